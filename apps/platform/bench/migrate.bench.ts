/**
 * Migration benchmark, ratios measured within one run on one server:
 * 1. the unified migrate (MigrationEngine over `platform`) against the very same SQL sent with raw `pg`;
 * 2. a fresh test database by cloning a migrated template against creating an empty one and migrating it.
 * Prints a table and one MET / NOT MET line per goal; timings never make it fail.
 * Server: TEST_DATABASE_URL or DATABASE_URL (admin URL), else startTestServer(). BENCH_ROUNDS (default 15).
 */
import os from 'node:os';
import { MigrationEngine, type PlannedMigration } from '@tessera/migrator';
import { type ClonedDatabase, cloneDatabase, ensureTemplate, startTestServer } from '@tessera/test-server';
import { migrateDatabase, templateKey } from '@tessera/testing';
import pg from 'pg';
import { platform } from '../src/composition.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const WARMUP = 2;
const OVERHEAD_GOAL = 1.3;
const SPEEDUP_GOAL = 3;

if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`BENCH_ROUNDS must be a positive integer`);

/** Median and p95 (nearest rank) of a sample, in ms. */
function stats(samples: readonly number[]): { median: number; p95: number } {
  const sorted = [...samples].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  const mid = sorted.length / 2;
  const median =
    sorted.length % 2 === 1 ? at(0.5) : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
  return { median, p95: at(0.95) };
}

/** Milliseconds `fn` takes. */
async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/**
 * Runs two measurements per round, swapping which goes first every round so that neither always profits
 * from a warmer server; the first WARMUP rounds are thrown away. Each task returns only its timed part.
 */
async function alternate(a: () => Promise<number>, b: () => Promise<number>): Promise<[number[], number[]]> {
  const as: number[] = [];
  const bs: number[] = [];
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    let ta: number;
    let tb: number;
    if (round % 2 === 0) {
      ta = await a();
      tb = await b();
    } else {
      tb = await b();
      ta = await a();
    }
    if (round >= WARMUP) {
      as.push(ta);
      bs.push(tb);
    }
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
    return await time(() => fn(db.url));
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
const server = configured
  ? { adminUrl: configured, kind: 'url', stop: async () => {} }
  : await startTestServer();
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

  const rows: [string, number[]][] = [
    ['1a unified migrate (engine create+up+close)', oursMs],
    ['1b raw pg, same SQL (connect+tx+end)', rawMs],
    ['2a clone migrated template', cloneMs],
    ['2b empty database + migrate (engine)', migrateMs],
  ];
  const s = Object.fromEntries(rows.map(([label, xs]) => [label.slice(0, 2), stats(xs)]));
  const fmt = (ms: number | undefined) => (ms ?? Number.NaN).toFixed(1).padStart(9);
  const cpu = os.cpus();
  console.log(`Tessera migrate benchmark, ${new Date().toISOString()}`);
  console.log(`server:      ${server.kind} ${redact(adminUrl)}`);
  console.log(`             ${version}`);
  console.log(`machine:     ${cpu[0]?.model ?? '?'}, ${cpu.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`);
  console.log(`node:        ${process.version} (${process.platform}/${process.arch})`);
  console.log(
    `composition: ${platform.contexts.map((c) => c.name).join(', ')}: ${plan.length} migration(s), ${statements} statements`,
  );
  console.log(`rounds:      ${ROUNDS} (+${WARMUP} warm-up), order alternated every round\n`);
  console.log(`${'measurement'.padEnd(46)}${'median ms'.padStart(9)}${'p95 ms'.padStart(9)}`);
  for (const [label, xs] of rows) {
    const { median, p95 } = stats(xs);
    console.log(`${label.padEnd(46)}${fmt(median)}${fmt(p95)}`);
  }
  const overhead = (s['1a']?.median ?? Number.NaN) / (s['1b']?.median ?? Number.NaN);
  const speedup = (s['2b']?.median ?? Number.NaN) / (s['2a']?.median ?? Number.NaN);
  console.log('');
  console.log(
    `migrate overhead: ${overhead.toFixed(2)}x raw pg (goal <= ${OVERHEAD_GOAL}x): ${overhead <= OVERHEAD_GOAL ? 'MET' : 'NOT MET'}`,
  );
  console.log(
    `fresh test database: clone ${speedup.toFixed(2)}x faster than migrate (goal >= ${SPEEDUP_GOAL}x): ${speedup >= SPEEDUP_GOAL ? 'MET' : 'NOT MET'}`,
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
