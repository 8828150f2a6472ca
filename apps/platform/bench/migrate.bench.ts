/**
 * Migration benchmark, ratios measured within one run on one server:
 * 1. the unified migrate (MigrationEngine over `platform`) against the very same SQL sent with raw `pg`;
 * 2. a fresh test database by cloning a migrated template against creating an empty one and migrating it.
 * Prints a table and one MET / NOT MET line per goal; timings never make it fail.
 * Server: TEST_DATABASE_URL or DATABASE_URL (admin URL), else startTestServer(). BENCH_ROUNDS (default 15).
 */
import { MigrationEngine, type PlannedMigration } from '@tessera/migrator';
import {
  type ClonedDatabase,
  cloneDatabase,
  ensureTemplate,
  loadLine,
  machineLine,
  percentiles,
  startTestServer,
} from '@tessera/test-server';
import { migrateDatabase, templateKey } from '@tessera/testing';
import pg from 'pg';
import { platform } from '../src/composition.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const WARMUP = 2;
const OVERHEAD_GOAL = 1.3;
const SPEEDUP_GOAL = 3;

if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`BENCH_ROUNDS must be a positive integer`);

type Stats = ReturnType<typeof percentiles>;

/**
 * Runs two measurements per round, swapping which goes first every round so that neither always profits
 * from a warmer server; the first WARMUP rounds are thrown away. Each task returns only its timed part.
 */
async function alternate(a: () => Promise<number>, b: () => Promise<number>): Promise<[number[], number[]]> {
  const as: number[] = [];
  const bs: number[] = [];
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    const [ta = Number.NaN, tb = Number.NaN] =
      round % 2 === 0 ? [await a(), await b()] : [await b(), await a()].reverse();
    if (round < WARMUP) continue;
    as.push(ta);
    bs.push(tb);
  }
  return [as, bs];
}

/** Our path, as the CLI and the test template run it: create (connect) + up() + close(). */
async function ours(url: string, expected: number): Promise<void> {
  const engine = await MigrationEngine.create({ composition: platform, url });
  try {
    const applied = await engine.up();
    // A run that applied nothing would be fast for the wrong reason.
    if (applied.length !== expected) throw new Error(`engine applied ${applied.length} of ${expected} migrations`);
  } finally {
    await engine.close();
  }
}

/** The baseline: the plan's statements over one pg.Client, one transaction per migration, one by one. */
async function raw(url: string, plan: readonly PlannedMigration[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const m of plan) {
      if (m.transactional) await client.query('begin');
      for (const sql of m.statements) await client.query(sql);
      if (m.transactional) await client.query('commit');
    }
  } finally {
    await client.end();
  }
}

/** Runs `fn` on a fresh empty database (created and dropped outside the timing) and returns its ms. */
async function onFresh(fresh: () => Promise<ClonedDatabase>, fn: (url: string) => Promise<void>): Promise<number> {
  const db = await fresh();
  try {
    const t0 = performance.now();
    await fn(db.url);
    return performance.now() - t0;
  } finally {
    await db.drop();
  }
}

/** The URL without its password, for printing. */
function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** Runs one query on a short-lived admin connection. */
async function admin<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const configured = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
const server = configured ? { adminUrl: configured, kind: 'url', stop: async () => {} } : await startTestServer();
const { adminUrl } = server;
// Only databases this run created are dropped: a migrated template that tests already share is left alone.
const toDrop: string[] = [];
try {
  const [{ version } = { version: '?' }] = await admin<{ version: string }>(adminUrl, 'select version()');
  const empty = await ensureTemplate(adminUrl, `bench_empty_${process.pid}`, async () => {});
  toDrop.push(empty);
  let built = false;
  const migrated = await ensureTemplate(adminUrl, templateKey(platform), (url) => {
    built = true;
    return migrateDatabase(platform, url);
  });
  if (built) toDrop.push(migrated);
  const fresh = () => cloneDatabase(adminUrl, empty);

  // The plan is computed once, outside the timing: it is the SQL both paths apply.
  let plan: PlannedMigration[] = [];
  await onFresh(fresh, async (url) => {
    const engine = await MigrationEngine.create({ composition: platform, url });
    try {
      plan = await engine.plan();
    } finally {
      await engine.close();
    }
  });
  const statements = plan.reduce((n, m) => n + m.statements.length, 0);

  const [oursMs, rawMs] = await alternate(
    () => onFresh(fresh, (url) => ours(url, plan.length)),
    () => onFresh(fresh, (url) => raw(url, plan)),
  );
  const [cloneMs, migrateMs] = await alternate(
    async () => {
      const t0 = performance.now();
      const db = await cloneDatabase(adminUrl, migrated);
      const ms = performance.now() - t0;
      await db.drop();
      return ms;
    },
    async () => {
      const t0 = performance.now();
      const db = await fresh();
      try {
        await ours(db.url, plan.length);
        return performance.now() - t0;
      } finally {
        await db.drop();
      }
    },
  );

  const [a1, b1, a2, b2] = [oursMs, rawMs, cloneMs, migrateMs].map(percentiles) as [Stats, Stats, Stats, Stats];
  // Other work on the machine moves medians of timings this small: the load average puts a number on it.
  const contexts = platform.contexts.map((c) => c.name).join(', ');
  console.log(`Tessera migrate benchmark, ${new Date().toISOString()}`);
  console.log(`server:      ${server.kind} ${redact(adminUrl)}\n             ${version}`);
  console.log(`machine:     ${machineLine()}, load average ${loadLine()}`);
  console.log(`node:        ${process.version} (${process.platform}/${process.arch})`);
  console.log(`composition: ${contexts}: ${plan.length} migration(s), ${statements} statements`);
  console.log(`rounds:      ${ROUNDS} (+${WARMUP} warm-up), order alternated every round\n`);
  const line = (label: string, median: string, p95: string) =>
    console.log(`${label.padEnd(46)}${median.padStart(10)}${p95.padStart(9)}`);
  line('measurement', 'median ms', 'p95 ms');
  for (const [label, { median, p95 }] of [
    ['1a unified migrate (engine create+up+close)', a1],
    ['1b raw pg, same SQL (connect+tx+end)', b1],
    ['2a clone migrated template', a2],
    ['2b empty database + migrate (engine)', b2],
  ] as const) {
    line(label, median.toFixed(1), p95.toFixed(1));
  }
  const overhead = a1.median / b1.median;
  const speedup = b2.median / a2.median;
  const verdict = (met: boolean) => (met ? 'MET' : 'NOT MET');
  console.log(
    `\nmigrate overhead: ${overhead.toFixed(2)}x raw pg (goal <= ${OVERHEAD_GOAL}x): ${verdict(overhead <= OVERHEAD_GOAL)}`,
  );
  console.log(
    `fresh test database: clone ${speedup.toFixed(2)}x faster than migrate (goal >= ${SPEEDUP_GOAL}x): ${verdict(speedup >= SPEEDUP_GOAL)}`,
  );
} finally {
  // FORCE: a template can be dropped even if a late session of ours is still closing.
  for (const name of toDrop) {
    await admin(adminUrl, `drop database if exists ${pg.escapeIdentifier(name)} with (force)`).catch((error) => {
      console.warn(`could not drop ${name}: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
  await server.stop();
}
