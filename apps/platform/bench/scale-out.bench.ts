/**
 * Scale-out benchmark, every ratio measured within one run on one machine:
 * 1. repository reads served by a streaming replica against the same reads on the primary (p50; goal ≤ 1.1×):
 *    `RoleRepository.findByName` (the ORM's query path) and `UserRepository.findByEmail` (the kernel's SQL path);
 * 2. the same repository calls through PgBouncer in transaction mode against a direct connection (p50; goal ≤ 1.2×),
 *    like with like: named prepared statements are off on both sides (`TESSERA_DB_PREPARED_STATEMENTS=false`, which
 *    PgBouncer before 1.21 requires);
 * 3. throughput of a read-heavy mix whose reads are server-CPU-bound (95% `DocumentRepository.listVisible` for a user
 *    who may see 1 document in 100, so each page scans about 5,000 rows; 5% document writes; BENCH_CONCURRENCY
 *    workers, one request scope per operation), primary + one replica against the primary alone (goal ≥ 1.6×).
 * Two hosts are modelled on one machine: the primary's PostgreSQL runs on CPU 0 and the replica's on CPU 1
 * (`taskset`; BENCH_PIN=0 turns it off). "Primary alone" is then one core of database server, "primary + replica"
 * two; the benchmark client and PgBouncer run unpinned. With the replica, reads a replica may serve take turns
 * between the replica and the primary (`readsOnPrimary`); the replica-only split is printed as well.
 * Starts its own primary + replica (PostgreSQL server binaries with pg_basebackup) and PgBouncer. Prints a table
 * and one MET / NOT MET line per goal, with the machine's load; timings never make it fail.
 * BENCH_SAMPLES (default 3000 per latency series), BENCH_OPS (default 4000 per throughput run), BENCH_DOCUMENTS
 * (default 50000).
 */

import { cpus } from 'node:os';
import type { MikroORM } from '@mikro-orm/postgresql';
import { identity, RoleRepository, UserRepository } from '@tessera/identity';
import { composeContexts, createOrm, withConsistency, withReadScope } from '@tessera/kernel';
import { DocumentRepository, knowledge } from '@tessera/knowledge';
import { loadLine, machineLine, percentiles, startPgBouncer, startReplicatedServer } from '@tessera/test-server';
import { migrateDatabase } from '@tessera/testing';

// PgBouncer 1.18 (Debian 12) in transaction mode cannot keep named prepared statements: off for both sides.
process.env.TESSERA_DB_PREPARED_STATEMENTS ??= 'false';
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 3_000);
const OPS = Number(process.env.BENCH_OPS ?? 4_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 50_000);
const PIN = process.env.BENCH_PIN !== '0' && cpus().length >= 2;
const ROLES = 1_000;
const DEPARTMENTS = 100;

const server = await startReplicatedServer(PIN ? { cpus: { primary: '0', replica: '1' } } : {});
// PgBouncer's default server check (30 s), as in production: the harness's test default (0) adds a `select 1`
// round trip before every transaction.
const bouncer = await startPgBouncer({
  upstreamUrl: server.adminUrl,
  poolMode: 'transaction',
  poolSize: 20,
  serverCheckDelaySeconds: 30,
});
const orms: MikroORM[] = [];
try {
  const url = await server.createDatabase('bench_scale_out');
  const composition = composeContexts([identity, knowledge]);
  await migrateDatabase(composition, url);
  const settings = { urls: [] as string[], maxLagMs: 1_000, checkIntervalMs: 500, readsOnPrimary: false };
  const open = async (clientUrl: string, replica: Partial<typeof settings>) => {
    const orm = await createOrm(composition, clientUrl, { replicaSettings: { ...settings, ...replica } });
    orms.push(orm);
    return orm;
  };
  const primary = await open(url, {});
  const replicated = await open(url, { urls: [server.replicaUrlFor(url)] });
  const balanced = await open(url, { urls: [server.replicaUrlFor(url)], readsOnPrimary: true });
  const pooled = await open(bouncer.url('bench_scale_out'), {});
  for (let i = 0; i < ROLES; i++) await new RoleRepository(primary.em.fork()).create({ name: `role-${i}` });
  const readers: string[] = [];
  for (let d = 0; d < DEPARTMENTS; d++) {
    const user = await new UserRepository(primary.em.fork()).register({
      email: `reader-${d}@example.com`,
      username: `reader-${d}`,
      department: `d${d}`,
    });
    readers.push(user.id);
  }
  // The documents in one statement (the repositories' create is what the mix's writes use).
  await primary.em.getConnection().execute(
    `insert into knowledge.documents (id, title, content, document_type, source, access_level, department)
     select gen_random_uuid(), 'document ' || i, repeat('text ', 50), 'PDF', 's3://docs/' || i, 1, 'd' || (i % ${DEPARTMENTS})
     from generate_series(1, ${DOCUMENTS}) i`,
  );
  await primary.em.getConnection().execute('analyze');
  await server.waitForReplay();

  const name = (i: number) => `role-${(i * 7919) % ROLES}`;
  const read = (orm: MikroORM, i: number) => new RoleRepository(orm.em.fork()).findByName(name(i));
  const email = (i: number) => `reader-${(i * 31) % DEPARTMENTS}@example.com`;
  const byEmail = (orm: MikroORM, i: number) => new UserRepository(orm.em.fork()).findByEmail(email(i));
  /** Latency of one read, alternating the two series call by call so both see the same machine. */
  const pair = async (a: () => Promise<unknown>, b: () => Promise<unknown>) => {
    const as: number[] = [];
    const bs: number[] = [];
    for (let i = 0; i < SAMPLES + 200; i++) {
      for (const [f, out] of i % 2 === 0
        ? ([
            [a, as],
            [b, bs],
          ] as const)
        : ([
            [b, bs],
            [a, as],
          ] as const)) {
        const t = performance.now();
        await f();
        if (i >= 200) out.push(performance.now() - t);
      }
    }
    return [percentiles(as), percentiles(bs)] as const;
  };

  let n = 0;
  const [onPrimary, onReplica] = await pair(
    () => withConsistency('primary', () => read(replicated, n++)),
    () => withConsistency('replica', () => read(replicated, n++)),
  );
  const [sqlOnPrimary, sqlOnReplica] = await pair(
    () => withConsistency('primary', () => byEmail(replicated, n++)),
    () => withConsistency('replica', () => byEmail(replicated, n++)),
  );
  const [direct, throughBouncer] = await pair(
    () => read(primary, n++),
    () => read(pooled, n++),
  );
  const [sqlDirect, sqlThroughBouncer] = await pair(
    () => byEmail(primary, n++),
    () => byEmail(pooled, n++),
  );

  /** Operations per second of the read-heavy mix: each operation is one request scope; 1 in 20 writes. */
  let run = 0;
  const throughput = async (orm: MikroORM) => {
    const tag = run++;
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < OPS; i = next++) {
        await withReadScope(async () => {
          const documents = new DocumentRepository(orm.em.fork());
          if (i % 20 === 0) {
            await documents.create({
              title: `mix ${tag}-${i}`,
              content: 'text',
              documentType: 'PDF',
              source: `s3://mix/${tag}/${i}`,
              department: `d${i % DEPARTMENTS}`,
            });
          } else {
            await documents.listVisible(readers[i % DEPARTMENTS] as string, { limit: 50 });
          }
        });
      }
    };
    const t = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return OPS / ((performance.now() - t) / 1000);
  };
  await throughput(primary); // warm-up of the pools and caches
  await throughput(balanced);
  const alone = await throughput(primary);
  const withReplica = await throughput(balanced);
  const replicaOnly = await throughput(replicated);

  const version = (await server.sql('primary', 'select version() as v'))[0]?.v;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
  const line = (label: string, s: { median: number; p95: number }) =>
    `${label.padEnd(50)}${s.median.toFixed(3).padStart(10)}${s.p95.toFixed(3).padStart(10)}`;
  console.log(String(version));
  console.log(`machine:     ${machineLine()}, load average ${loadLine()}`);
  console.log(`node:        ${process.version} (${process.platform}/${process.arch})`);
  console.log(
    `servers:     ${PIN ? 'primary pinned to CPU 0, replica to CPU 1 (taskset)' : 'unpinned'}; PgBouncer transaction mode, pool 20, server_check_delay 30 s`,
  );
  console.log(`prepared:    TESSERA_DB_PREPARED_STATEMENTS=${process.env.TESSERA_DB_PREPARED_STATEMENTS}`);
  console.log(`samples:     ${SAMPLES} per latency series (+200 warm-up), alternated call by call`);
  console.log(
    `throughput:  ${OPS} operations, ${CONCURRENCY} workers, 95% listVisible over ${DOCUMENTS} documents / 5% writes\n`,
  );
  console.log(`${'measurement'.padEnd(50)}${'p50 ms'.padStart(10)}${'p95 ms'.padStart(10)}`);
  console.log(line('1a findByName (ORM) on the primary', onPrimary));
  console.log(line('1b findByName (ORM) on the replica', onReplica));
  console.log(line('1c findByEmail (SQL path) on the primary', sqlOnPrimary));
  console.log(line('1d findByEmail (SQL path) on the replica', sqlOnReplica));
  console.log(line('2a findByName, direct connection', direct));
  console.log(line('2b findByName, through PgBouncer', throughBouncer));
  console.log(line('2c findByEmail, direct connection', sqlDirect));
  console.log(line('2d findByEmail, through PgBouncer', sqlThroughBouncer));
  const ops = (label: string, value: number) => `${label.padEnd(50)}${value.toFixed(0).padStart(10)} ops/s`;
  console.log(ops('3a read-heavy mix, primary alone', alone));
  console.log(ops('3b read-heavy mix, primary + 1 replica (shared)', withReplica));
  console.log(`${ops('3c read-heavy mix, primary + 1 replica (reads on it)', replicaOnly)}\n`);
  const goal = (met: boolean) => (met ? 'MET' : 'NOT MET');
  for (const [label, a, b] of [
    ['replica read p50, ORM path', onReplica, onPrimary],
    ['replica read p50, SQL path', sqlOnReplica, sqlOnPrimary],
  ] as const) {
    console.log(`${label}: ${ratio(a.median, b.median)} primary (goal <= 1.1x): ${goal(a.median / b.median <= 1.1)}`);
  }
  for (const [label, a, b] of [
    ['PgBouncer p50, ORM path', throughBouncer, direct],
    ['PgBouncer p50, SQL path', sqlThroughBouncer, sqlDirect],
  ] as const) {
    console.log(`${label}: ${ratio(a.median, b.median)} direct (goal <= 1.2x): ${goal(a.median / b.median <= 1.2)}`);
  }
  console.log(
    `throughput with a replica: ${ratio(withReplica, alone)} primary alone (goal >= 1.6x): ${goal(withReplica / alone >= 1.6)}`,
  );
  console.log(`load average at the end: ${loadLine()}`);
} finally {
  for (const orm of orms) await orm.close(true);
  await bouncer.stop();
  await server.stop();
}
