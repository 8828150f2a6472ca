/**
 * `pnpm bench [--scale tiny|small|full] [--out FILE] [--pin]`: Tessera's hot paths against raw pg (named and unnamed) and the
 * peer libraries, on the project's migrated schema, in one run. After a warm-up, every round runs each variant of
 * an operation once in a random order; p50/p95 per variant and their ratios to raw pg named are printed and written
 * as Markdown (default docs/benchmarks.md). Round trips per call are counted through a TCP proxy in a second pass.
 * Server: TEST_DATABASE_URL or DATABASE_URL (an admin URL), else a test server started for the run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { platform } from '@tessera/platform';
import {
  cloneDatabase,
  ensureTemplate,
  loadLine,
  machineLine,
  percentiles,
  startTestServer,
} from '@tessera/test-server';
import { migrateDatabase, templateKey } from '@tessera/testing';
import pg from 'pg';
import { notPinned, type Pinning, pinCpus } from './pin.ts';
import { countingProxy } from './proxy.ts';
import { SCALES, seed } from './seed.ts';
import { makeOperations, type Operation } from './variants.ts';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const scaleName = option('scale') ?? process.env.BENCH_SCALE ?? 'small';
const chosen = SCALES[scaleName];
if (!chosen) throw new Error(`--scale must be one of ${Object.keys(SCALES).join(', ')}`);
const scale = chosen;
const here = dirname(fileURLToPath(import.meta.url));
const out = option('out') ?? join(here, '../../../docs/benchmarks.md');
const BEGIN = '<!-- bench:hot-paths:begin -->';
const END = '<!-- bench:hot-paths:end -->';

// Every context, as the platform composes them into one database.
const composition = platform;
const configured = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
const server = configured ? { adminUrl: configured, stop: async () => {} } : await startTestServer();
const template = await ensureTemplate(server.adminUrl, templateKey(composition), (url) =>
  migrateDatabase(composition, url),
);
const db = await cloneDatabase(server.adminUrl, template);
const lines: string[] = [];
const say = (line = '') => {
  console.log(line);
  lines.push(line);
};

let pinning: Pinning | undefined;
try {
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  // A server the run started is pinned; one given by URL (shared, perhaps) only when asked with --pin.
  pinning =
    configured && !args.includes('--pin')
      ? notPinned('a server given by URL is pinned only with --pin')
      : await pinCpus(admin, db.url);
  const version = (await admin.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]?.v;
  let t = performance.now();
  const seeded = await seed(admin, scale);
  console.log(`seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const { operations, close } = await makeOperations(db.url, composition, seeded);
  const loadBefore = loadLine();
  say('## Hot paths: Tessera against raw pg and the peer libraries (`pnpm bench`)');
  say();
  say(`Run ${new Date().toISOString()} with \`pnpm bench --scale ${scaleName}\`.`);
  say();
  say(`- machine: ${machineLine()}; Node ${process.version}; PostgreSQL ${version} (same host, TCP)`);
  say(`- load average at start: ${loadBefore} (1, 5, 15 min); ${pinning.line}`);
  if ((loadavg()[0] ?? 0) > cpus().length) {
    say(
      '- the machine was busy (load average above the core count): absolute times are inflated and p95s are noisy; ' +
        'compare ratios within a run, and rerun on a quiet machine',
    );
  }
  say(
    `- data: ${scale.users} users, ${scale.documents} documents, ${scale.executions} executions, ${scale.clips} hand clips`,
  );
  say(
    `- ${scale.iterations} measured calls per variant after ${scale.warmup} warm-up calls, interleaved in random order`,
  );
  say();
  t = performance.now();
  const results: { op: Operation; stats: Record<string, Stats> }[] = [];
  for (const op of operations) results.push({ op, stats: await measure(op) });
  const loadAfter = loadLine();
  await close();

  // Second pass through a counting proxy: round trips per call (it adds latency, so it is not timed).
  const url = new URL(db.url);
  const proxy = await countingProxy(url.hostname, Number(url.port || 5432));
  const proxied = new URL(db.url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  const counted = await makeOperations(proxied.toString(), composition, seeded);
  const trips: Record<string, Record<string, number>> = {};
  for (const op of counted.operations) {
    trips[op.name] = {};
    for (const [variant, run] of Object.entries(op.variants)) {
      for (let i = 0; i < 3; i++) await run();
      proxy.take();
      for (let i = 0; i < 10; i++) await run();
      (trips[op.name] as Record<string, number>)[variant] = proxy.take() / 10;
    }
  }
  await counted.close();
  await proxy.close();

  say(
    'Each ratio is p50 (p95) divided by raw `pg` with a named prepared statement in the same run; below 1 is faster.',
  );
  say('RT is round trips per call, counted on the wire.');
  say();
  summarize(results);
  for (const { op, stats } of results) {
    const baseName = Object.keys(stats).find((n) => n.startsWith('pg named'));
    const base = baseName ? stats[baseName] : undefined;
    say(`### ${op.name}`);
    say();
    say('| variant | p50 ms | p95 ms | ratio p50 | ratio p95 | RT |');
    say('|---|---|---|---|---|---|');
    const sorted = Object.entries(stats).sort((a, b) => a[1].p50 - b[1].p50);
    for (const [variant, s] of sorted) {
      const r50 = base ? (s.p50 / base.p50).toFixed(2) : '–';
      const r95 = base ? (s.p95 / base.p95).toFixed(2) : '–';
      const rt = trips[op.name]?.[variant];
      const name = variant === 'Tessera' ? '**Tessera**' : variant;
      say(`| ${name} | ${s.p50.toFixed(3)} | ${s.p95.toFixed(3)} | ${r50} | ${r95} | ${rt?.toFixed(1) ?? '–'} |`);
    }
    if (op.remark) {
      say();
      say(op.remark);
    }
    if (op.maxIterations !== undefined && op.maxIterations < scale.iterations) {
      say();
      say(`${op.maxIterations} measured calls per variant here, not ${scale.iterations}: some variants are slow.`);
    }
    say();
  }

  // Bulk: one call of `bulk` rows, each side in a process of its own (peak RSS), alternating, best of three: one
  // call takes seconds, and on a shared host one slow call would decide the ratio.
  const executionId = seeded.executionIds[0] as string;
  const bulk: Record<string, { rowsPerSecond: number; maxRssMiB: number }[]> = { copy: [], tessera: [] };
  for (let round = 0; round < 3; round++) {
    for (const mode of round % 2 === 0 ? ['copy', 'tessera'] : ['tessera', 'copy']) {
      const output = execFileSync(
        process.execPath,
        [
          '--conditions=@tessera/source',
          join(here, 'bulk.ts'),
          mode,
          String(scale.bulk),
          db.url,
          executionId,
          seeded.owner,
        ],
        { encoding: 'utf8' },
      );
      bulk[mode]?.push(JSON.parse(output.trim().split('\n').at(-1) as string));
    }
  }
  const best = (mode: string) => {
    const runs = bulk[mode] ?? [];
    return {
      rate: Math.max(...runs.map((r) => r.rowsPerSecond)),
      rss: Math.min(...runs.map((r) => r.maxRssMiB)),
    };
  };
  const copy = best('copy');
  const tessera = best('tessera');
  say(`### append ${scale.bulk} log rows in one call`);
  say();
  say('| variant | rows/s | peak RSS MiB | ratio rows/s | RSS over COPY |');
  say('|---|---|---|---|---|');
  say(`| raw COPY (pg-copy-streams) | ${copy.rate.toFixed(0)} | ${copy.rss.toFixed(0)} | 1.00 | 0 |`);
  say(
    `| **Tessera** appendLogs | ${tessera.rate.toFixed(0)} | ${tessera.rss.toFixed(0)} | ${(tessera.rate / copy.rate).toFixed(2)} | ${(tessera.rss - copy.rss).toFixed(0)} MiB |`,
  );
  say();
  const each = (mode: string) => (bulk[mode] ?? []).map((r) => r.rowsPerSecond.toFixed(0)).join(', ');
  say(`Best of three calls each, alternating. Rows/s of each call: COPY ${each('copy')}; Tessera ${each('tessera')}.`);
  say();
  say(`Load average at the end: ${loadAfter}; measuring took ${((performance.now() - t) / 1000).toFixed(0)} s.`);
  say();
  say('### Running it');
  say();
  say(
    '- `pnpm bench` runs the default `small` scale (a few minutes) and rewrites this section; `--out FILE` writes elsewhere.',
  );
  say('- `pnpm bench --scale tiny` is a smoke run; `pnpm bench --scale full` is the full scale: 100k users,');
  say('  100k documents, 1M executions, 1M hand clips and a 1M-row append (long: seeding alone takes minutes).');
  say('- Server: `TEST_DATABASE_URL` (an admin URL), else a test server is started. Prisma 7 generates its client');
  say(
    '  offline first (`PRISMA_SCHEMA_ENGINE_BINARY=/bin/true`: its generator would download an engine it does not use).',
  );
  say('- Every variant of an operation runs in the same process against the same database, interleaved in random');
  say('  order after a warm-up; round trips are counted in a second pass through a counting TCP proxy.');
  say(
    '- Each variant has connections of its own (a pool of two; Tessera, Tessera with a fork per call and plain MikroORM',
  );
  say('  an ORM each): a variant that shared its backends with another ran faster, by 0.05 to 0.08 of raw `pg` on a');
  say('  one-row lookup, which favoured whichever variants shared.');
  say('- Before measuring, each variant is called once with the same random picks: they must return as many rows, and');
  say(
    "  the same number of Dates in a row (drizzle's raw `execute` leaves timestamps as text, so its rows get Dates the",
  );
  say('  way its query builder makes them); plain MikroORM, which loads whole entities, may return more.');
  say(
    '- With a local server it can pin (its postmaster.pid readable, `taskset`, two CPUs or more), the server runs on',
  );
  say("  CPU 0 and the benchmark on the others: unpinned, where the scheduler puts each connection's backend moved a");
  say("  library's latency by up to a fifth for the whole run. The machine line says whether it was pinned.");
  await admin.end();
  // The results replace only their own section of the file, between the markers; other benchmarks keep theirs.
  const section = `${BEGIN}\n${lines.join('\n')}\n${END}`;
  const current = existsSync(out) ? readFileSync(out, 'utf8') : '';
  const [head = '', rest = `${END}\n`] = current.includes(BEGIN) ? current.split(BEGIN) : [current];
  const tail = rest.split(END)[1] ?? '\n';
  writeFileSync(out, `${head.trimEnd() ? `${head.trimEnd()}\n\n` : ''}${section}${tail}`);
  console.log(`\nwritten to ${out}`);
} catch (error) {
  // Reported before the database is dropped: dropping it ends the libraries' idle connections, which some report
  // as unhandled errors of their own.
  console.error(error);
  process.exitCode = 1;
} finally {
  pinning?.restore();
  await db.drop();
  await server.stop();
}

/**
 * One line per operation: Tessera's ratios to raw `pg` named, the fastest peer's, and whether both goals hold
 * (at most 1.3× raw `pg` named at p50 and p95; no slower than the fastest peer at p50, see {@link verdict}). In an
 * RLS operation the fastest peer is the fastest doing the same security work, and the fastest bare peer gets a
 * column of its own.
 */
function summarize(results: { op: Operation; stats: Record<string, Stats> }[]): void {
  // The peer libraries a service might pick instead (raw `pg` is the baseline, not a peer).
  const PEER = /^(kysely|drizzle|postgres\.js|typeorm|prisma)/;
  // In an RLS operation, the peers doing the same security work (see the note below the table).
  const SAME_WORK = /, RLS /;
  say(
    '| operation | Tessera p50 (p95) | fastest peer p50 (p95) | ≤ 1.3× | ≤ fastest peer | ' +
      'RLS: fastest peer skipping the security work | with em.fork() per call |',
  );
  say('|---|---|---|---|---|---|---|');
  for (const { op, stats } of results) {
    const base = Object.entries(stats).find(([n]) => n.startsWith('pg named'))?.[1];
    const tessera = stats.Tessera;
    if (!base || !tessera) continue;
    const ratio = (s: Stats) => [s.p50 / base.p50, s.p95 / base.p95] as const;
    const cell = (s: Stats) => `${ratio(s)[0].toFixed(2)} (${ratio(s)[1].toFixed(2)})`;
    const fastestOf = (test: (name: string) => boolean) =>
      Object.entries(stats)
        .filter(([n]) => PEER.test(n) && test(n))
        .sort((a, b) => a[1].p50 - b[1].p50)[0];
    const fastest = fastestOf((n) => SAME_WORK.test(n) === (op.rls === true));
    const bare = op.rls ? fastestOf((n) => !SAME_WORK.test(n)) : undefined;
    const withinGoal = ratio(tessera)[0] <= 1.3 && ratio(tessera)[1] <= 1.3 ? 'yes' : 'no';
    const forked = stats['Tessera, em.fork() per call'];
    say(
      `| ${op.name} | ${cell(tessera)} | ${fastest ? `${fastest[0]} ${cell(fastest[1])}` : '–'} | ${withinGoal} | ` +
        `${fastest ? verdict(tessera, fastest[1]) : '–'} | ${bare ? `${bare[0]} ${cell(bare[1])}` : '–'} | ` +
        `${forked ? cell(forked) : '–'} |`,
    );
  }
  say();
  say(
    '"Tessera" is the repository call on the ORM\'s EntityManager, as a service holds it (made once, or per request ' +
      "under MikroORM's RequestContext); the last column is the same call on a new `em.fork()` each time.",
  );
  say();
  say(
    '"≤ fastest peer" compares p50s: `tie` when Tessera is slower by less than the run can tell apart (the 95% ' +
      'interval of the difference, from a paired bootstrap over the rounds, includes zero), `no` when it can.',
  );
  say();
  say(
    'In the operations marked RLS, Tessera runs the query as the application role with the acting user set, in the ' +
      'same round trip, so the policies decide what exists. Its fastest peer there is the fastest library doing that ' +
      'same security work the way the library does it, as a service that picks the peer and keeps the policies ' +
      'would (`…, RLS in a transaction`: the settings, then the query, in one transaction; postgres.js also with ' +
      'BEGIN, the settings, the query and COMMIT written at once on a reserved connection, one round trip). The bare ' +
      'peers run the query as the table owner, which row-level security skips: the column beside it shows the ' +
      'fastest of them, and the goal of at most 1.3× is against raw `pg` named doing the bare query too. ' +
      '`pg simple, RLS settings inlined` does the security work with raw `pg` in one round trip, values inlined. ' +
      'In the executions list, ' +
      "`Tessera's SQL path without row security` is the repository's statement and row handling run as the table " +
      'owner: not a path the product offers, it shows what the security work costs.',
  );
  say();
}

async function measure(op: Operation): Promise<Record<string, Stats>> {
  const names = Object.keys(op.variants);
  // Every variant must do the same work: called with the same random picks (Math.random reseeded for each),
  // each returns as many rows as the others.
  const counts: Record<string, number> = {};
  // ... and rows of the same kind: timestamps as Dates in every variant that returns its row (a library that leaves
  // them as text skips work the others do). Plain MikroORM loads whole entities, so it may have more.
  const dates: Record<string, number> = {};
  const random = Math.random;
  try {
    for (const name of names) {
      Math.random = seeded(42);
      const { count, first } = rowsIn(await op.variants[name]?.());
      counts[name] = count;
      if (first !== undefined) dates[name] = datesIn(first);
    }
  } finally {
    Math.random = random;
  }
  if (new Set(Object.values(counts)).size > 1) {
    throw new Error(`${op.name}: the variants return different row counts: ${JSON.stringify(counts)}`);
  }
  const fewest = Math.min(...Object.values(dates));
  const same = Object.entries(dates).every(([name, n]) => n === fewest || (name.startsWith('MikroORM') && n > fewest));
  if (!same) {
    throw new Error(`${op.name}: the variants return different numbers of Dates in a row: ${JSON.stringify(dates)}`);
  }
  const iterations = Math.min(scale.iterations, op.maxIterations ?? scale.iterations);
  const warmup = op.maxIterations === undefined ? scale.warmup : Math.min(scale.warmup, Math.ceil(iterations / 10));
  for (let i = 0; i < warmup; i++) for (const name of names) await op.variants[name]?.();
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < iterations; i++) {
    const order = [...names].sort(() => Math.random() - 0.5);
    for (const name of order) {
      const started = performance.now();
      await op.variants[name]?.();
      samples[name]?.push(performance.now() - started);
    }
  }
  const stats: Record<string, Stats> = {};
  for (const name of names) {
    const p = percentiles(samples[name] ?? []);
    stats[name] = { p50: p.median, p95: p.p95, samples: samples[name] ?? [] };
  }
  console.log(`${op.name}: done`);
  return stats;
}

/** A variant's p50 and p95 (ms), and its times in the order of the rounds (the i-th of every variant ran together). */
interface Stats {
  p50: number;
  p95: number;
  samples: number[];
}

/**
 * Whether Tessera is no slower than `peer` at p50: `yes` when its p50 is at most the peer's; when it is above, `tie`
 * if the difference is within the run's noise, `no` if not. The noise is a paired bootstrap over the rounds (each
 * resample draws whole rounds, so the variants stay paired as they ran): the difference of the two p50s in 2,000
 * resamples, and its 95% interval. A tie says the run cannot tell the two apart; it is not counted as ahead.
 */
function verdict(tessera: Stats, peer: Stats): string {
  const gap = tessera.p50 - peer.p50;
  if (gap <= 0) return 'yes';
  const rounds = Math.min(tessera.samples.length, peer.samples.length);
  const random = seeded(7);
  const a: number[] = new Array(rounds);
  const b: number[] = new Array(rounds);
  const gaps: number[] = [];
  for (let r = 0; r < 2000; r++) {
    for (let i = 0; i < rounds; i++) {
      const k = Math.floor(random() * rounds);
      a[i] = tessera.samples[k] as number;
      b[i] = peer.samples[k] as number;
    }
    // The same p50 as the report's (percentiles), so the interval is of the difference the table shows.
    gaps.push(percentiles(a).median - percentiles(b).median);
  }
  gaps.sort((x, y) => x - y);
  const low = gaps[Math.floor(0.025 * gaps.length)] as number;
  const high = gaps[Math.ceil(0.975 * gaps.length) - 1] as number;
  const us = (ms: number) => `${ms >= 0 ? '+' : '−'}${Math.abs(ms * 1000).toFixed(1)}`;
  const interval = `${us(gap)} µs, 95% CI ${us(low)} to ${us(high)}`;
  return low <= 0 ? `tie (${interval})` : `no (${interval})`;
}

/**
 * How many rows a variant's result holds, whatever shape its library returns (an array, `{ rows }`, a page, one
 * row), and its first row: undefined when it returns none (an insert that returns only ids).
 */
function rowsIn(result: unknown): { count: number; first: object | undefined } {
  if (result === null || result === undefined) return { count: 0, first: undefined };
  if (Array.isArray(result)) return { count: result.length, first: result[0] };
  if (typeof result !== 'object') return { count: 1, first: undefined };
  const r = result as {
    rows?: unknown;
    items?: unknown;
    nextCursor?: unknown;
    hasMore?: unknown;
    identifiers?: unknown;
  };
  // A page fetched one row past its limit to know whether another page follows.
  if (Array.isArray(r.items)) return { count: r.items.length + (r.nextCursor || r.hasMore ? 1 : 0), first: r.items[0] };
  if (Array.isArray(r.rows)) return { count: r.rows.length, first: r.rows[0] };
  if (Array.isArray(r.identifiers)) return { count: r.identifiers.length, first: undefined };
  return { count: 1, first: result };
}

function datesIn(row: object): number {
  return Object.values(row).filter((value) => value instanceof Date).length;
}

/** A small deterministic PRNG (mulberry32), standing in for Math.random while the variants are compared. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
