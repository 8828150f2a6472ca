/**
 * Start-up benchmark of the `tessera` CLI as a deployment runs it (`node bin/tessera.js`, the built dist/): wall time
 * of `tessera --help` and of a `tessera migrate` with nothing to do, each against a bare `node -e 0`, the three run
 * interleaved so that load hits them alike. Prints p50/p95, the difference to bare Node and the ratio, and one
 * MET / NOT MET line per goal (at most +150 ms at p50); timings never make it fail.
 * Server: TEST_DATABASE_URL or DATABASE_URL (admin URL), else startTestServer(). BENCH_ROUNDS (default 20).
 * Run `pnpm build` first: without dist/ the bin runs the TypeScript sources in a child process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadLine, machineLine, percentiles, startTestServer } from '@tessera/test-server';
import pg from 'pg';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const WARMUP = 3;
const GOAL_MS = 150;
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error('BENCH_ROUNDS must be a positive integer');

const bin = fileURLToPath(new URL('../bin/tessera.js', import.meta.url));
if (!existsSync(fileURLToPath(new URL('../dist/cli.js', import.meta.url)))) {
  throw new Error('apps/platform/dist/cli.js is missing: run `pnpm build` first (this measures the built CLI)');
}

const configured = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
const server = configured ? { adminUrl: configured, stop: async () => {} } : await startTestServer();
const name = `bench_startup_${process.pid}`;
const admin = new pg.Client({ connectionString: server.adminUrl });
await admin.connect();
await admin.query(`create database ${name}`);
const url = new URL(server.adminUrl);
url.pathname = `/${name}`;
const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url.toString() };
delete env.TESSERA_FROM_SOURCE;
delete env.TESSERA_MIGRATION_URL;

/** Wall time of one process, in ms; a failed run stops the benchmark (a fast failure would measure nothing). */
function time(args: readonly string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return ms;
}

try {
  time([bin, 'migrate']);
  const check = spawnSync(process.execPath, [bin, 'migrate'], { env, encoding: 'utf8' });
  if (!check.stdout.includes('nothing to apply'))
    throw new Error(`the second migrate was not a no-op: ${check.stdout}`);

  const variants = {
    node: ['-e', '0'],
    help: [bin, '--help'],
    migrate: [bin, 'migrate'],
  } as const;
  const samples: Record<keyof typeof variants, number[]> = { node: [], help: [], migrate: [] };
  const order = Object.keys(variants) as (keyof typeof variants)[];
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    // Rotate which goes first, so none always profits from a warmer cache.
    for (let i = 0; i < order.length; i++) {
      const key = order[(round + i) % order.length] as keyof typeof variants;
      const ms = time(variants[key]);
      if (round >= WARMUP) samples[key].push(ms);
    }
  }

  const base = percentiles(samples.node);
  console.log(`tessera start-up (built dist/), ${ROUNDS} interleaved rounds; ${machineLine()}; load ${loadLine()}`);
  console.log(`${'command'.padEnd(26)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'+p50'.padStart(8)} ratio`);
  for (const key of order) {
    const p = percentiles(samples[key]);
    const label = key === 'node' ? 'node -e 0' : `tessera ${key === 'help' ? '--help' : 'migrate (no-op)'}`;
    console.log(
      `${label.padEnd(26)} ${p.median.toFixed(1).padStart(8)} ${p.p95.toFixed(1).padStart(8)} ` +
        `${(p.median - base.median).toFixed(1).padStart(8)} ${(p.median / base.median).toFixed(2)}x`,
    );
  }
  for (const key of ['help', 'migrate'] as const) {
    const extra = percentiles(samples[key]).median - base.median;
    console.log(
      `${extra <= GOAL_MS ? 'MET' : 'NOT MET'}: ${key} costs ${extra.toFixed(0)} ms more than node -e 0 ` +
        `(goal at most ${GOAL_MS} ms)`,
    );
  }
} finally {
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
  await server.stop();
}
