/**
 * Scale-out benchmark, every ratio measured within one run on one machine:
 * 1. repository reads (`RoleRepository.findByName`) served by a streaming replica against the same reads on the
 *    primary (p50; goal ≤ 1.1×);
 * 2. the same repository call through PgBouncer in transaction mode against a direct connection (p50; goal ≤ 1.2×);
 * 3. throughput of a read-heavy mix (95% reads, 5% writes, BENCH_CONCURRENCY workers) with one replica added
 *    against the primary alone (goal ≥ 1.6×).
 * Starts its own primary + replica (PostgreSQL server binaries with pg_basebackup) and PgBouncer. Prints a table
 * and one MET / NOT MET line per goal, with the machine's load; timings never make it fail.
 * BENCH_SAMPLES (default 3000 per latency series), BENCH_OPS (default 20000 per throughput run).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { identity, RoleRepository } from '@tessera/identity';
import { composeContexts, createOrm, withConsistency, withReadScope } from '@tessera/kernel';
import { loadLine, machineLine, percentiles, startPgBouncer, startReplicatedServer } from '@tessera/test-server';
import { migrateDatabase } from '@tessera/testing';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 3_000);
const OPS = Number(process.env.BENCH_OPS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROLES = 1_000;

const server = await startReplicatedServer();
const bouncer = await startPgBouncer({ upstreamUrl: server.adminUrl, poolMode: 'transaction', poolSize: 20 });
const orms: MikroORM[] = [];
try {
  const url = await server.createDatabase('bench_scale_out');
  const composition = composeContexts([identity]);
  await migrateDatabase(composition, url);
  const noReplicas = { urls: [], maxLagMs: 1_000, checkIntervalMs: 500 };
  const open = async (clientUrl: string, urls: string[]) => {
    const orm = await createOrm(composition, clientUrl, { replicaSettings: { ...noReplicas, urls } });
    orms.push(orm);
    return orm;
  };
  const primary = await open(url, []);
  const replicated = await open(url, [server.replicaUrlFor(url)]);
  const pooled = await open(bouncer.url('bench_scale_out'), []);
  for (let i = 0; i < ROLES; i++) await new RoleRepository(primary.em.fork()).create({ name: `role-${i}` });
  await server.waitForReplay();

  const name = (i: number) => `role-${(i * 7919) % ROLES}`;
  const read = (orm: MikroORM, i: number) => new RoleRepository(orm.em.fork()).findByName(name(i));
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
  const [direct, throughBouncer] = await pair(
    () => read(primary, n++),
    () => read(pooled, n++),
  );

  /** Operations per second of the read-heavy mix: each operation is one request scope; 1 in 20 writes. */
  let run = 0;
  const throughput = async (orm: MikroORM) => {
    const tag = run++;
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < OPS; i = next++) {
        await withReadScope(async () => {
          if (i % 20 === 0) await new RoleRepository(orm.em.fork()).create({ name: `mix-${tag}-${i}` });
          else await read(orm, i);
        });
      }
    };
    const t = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return OPS / ((performance.now() - t) / 1000);
  };
  await throughput(primary); // warm-up of both pools and caches
  const alone = await throughput(primary);
  const withReplica = await throughput(replicated);

  const version = (await server.sql('primary', 'select version() as v'))[0]?.v;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
  const line = (label: string, s: { median: number; p95: number }) =>
    `${label.padEnd(44)}${s.median.toFixed(3).padStart(10)}${s.p95.toFixed(3).padStart(10)}`;
  console.log(String(version));
  console.log(`machine:     ${machineLine()}, load average ${loadLine()}`);
  console.log(`node:        ${process.version} (${process.platform}/${process.arch})`);
  console.log(`samples:     ${SAMPLES} per latency series (+200 warm-up), alternated call by call`);
  console.log(
    `throughput:  ${OPS} operations, ${CONCURRENCY} workers, 95% reads / 5% writes, one request scope each\n`,
  );
  console.log(`${'measurement'.padEnd(44)}${'p50 ms'.padStart(10)}${'p95 ms'.padStart(10)}`);
  console.log(line('1a findByName on the primary', onPrimary));
  console.log(line('1b findByName on the replica', onReplica));
  console.log(line('2a findByName, direct connection', direct));
  console.log(line('2b findByName, through PgBouncer (transaction)', throughBouncer));
  console.log(`3a read-heavy mix, primary alone            ${alone.toFixed(0).padStart(10)} ops/s`);
  console.log(`3b read-heavy mix, primary + 1 replica      ${withReplica.toFixed(0).padStart(10)} ops/s\n`);
  const goal = (met: boolean) => (met ? 'MET' : 'NOT MET');
  const r1 = onReplica.median / onPrimary.median;
  const r2 = throughBouncer.median / direct.median;
  const r3 = withReplica / alone;
  console.log(
    `replica read p50: ${ratio(onReplica.median, onPrimary.median)} primary (goal <= 1.1x): ${goal(r1 <= 1.1)}`,
  );
  console.log(
    `PgBouncer p50: ${ratio(throughBouncer.median, direct.median)} direct (goal <= 1.2x): ${goal(r2 <= 1.2)}`,
  );
  console.log(
    `throughput with a replica: ${ratio(withReplica, alone)} primary alone (goal >= 1.6x): ${goal(r3 >= 1.6)}`,
  );
  console.log(`load average at the end: ${loadLine()}`);
} finally {
  for (const orm of orms) await orm.close(true);
  await bouncer.stop();
  await server.stop();
}
