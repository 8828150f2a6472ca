/**
 * The kernel's raw SQL path with no replica configured: what `sql()` and `sqlBatch()` cost per call.
 * 1. CPU only: `sql()` against a pool whose `query` answers at once with a fixed result, so the number is the
 *    kernel's own dispatch (route lookup, config, logging, result shaping), not PostgreSQL's;
 * 2. real round trips of `sql()` and `sqlBatch()` (one named statement, `select $1::int`) on BENCH_DATABASE_URL
 *    (default: the system PostgreSQL at 127.0.0.1:5432).
 * Run: `pnpm --filter @tessera/kernel bench:sql-path`. BENCH_CALLS (default 200000, CPU only), BENCH_ROUND_TRIPS
 * (default 2000), BENCH_ROUNDS (default 5; the best round is reported, the others were disturbed by something else).
 */
import { defineEntity } from '@mikro-orm/core';
import { loadLine, machineLine } from '@tessera/test-server';
import { composeContexts, createOrm, defineContext, idProperty, type Statement, sql, sqlBatch } from '../src/index.ts';

const CALLS = Number(process.env.BENCH_CALLS ?? 200_000);
const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const url = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

const Probe = defineEntity({ name: 'Probe', tableName: 'probes', schema: 'bench', properties: { id: idProperty() } });
const orm = await createOrm(
  composeContexts([defineContext({ name: 'bench', entities: [Probe], migrations: [] })]),
  url,
);
try {
  const statement: Statement = { name: 'bench.select_int', text: 'select $1::int as n', values: [1] };
  const best = async (calls: number, run: (i: number) => Promise<unknown>) => {
    let fastest = Number.POSITIVE_INFINITY;
    for (let round = 0; round < ROUNDS; round++) {
      const t = performance.now();
      for (let i = 0; i < calls; i++) await run(i);
      fastest = Math.min(fastest, ((performance.now() - t) * 1000) / calls);
    }
    return fastest;
  };
  const em = orm.em.fork();
  await sql(em, statement); // the pool, looked up once

  const pool = (await orm.em.getConnection().getNativeClient()) as unknown as { query: unknown };
  const query = pool.query;
  const fixed = { rows: [{ n: 1 }], rowCount: 1 };
  pool.query = () => Promise.resolve(fixed);
  const cpu = await best(CALLS, () => sql(em, statement));
  pool.query = query;

  const roundTrip = await best(ROUND_TRIPS, () => sql(em, statement));
  const batch = await best(ROUND_TRIPS, () => sqlBatch(em, [statement]));

  console.log(`machine: ${machineLine()}, load average ${loadLine()}; node ${process.version}`);
  console.log(`best of ${ROUNDS} rounds, µs per call`);
  console.log(`sql(), CPU only (pool answers at once), ${CALLS} calls   ${cpu.toFixed(3).padStart(8)}`);
  console.log(`sql(), round trip, ${ROUND_TRIPS} calls                   ${roundTrip.toFixed(3).padStart(8)}`);
  console.log(`sqlBatch() of one statement, ${ROUND_TRIPS} calls         ${batch.toFixed(3).padStart(8)}`);
} finally {
  // Closing the pools has hung for over a minute against the shared, loaded server this ran on (not investigated):
  // the results are printed, so the benchmark does not wait for it.
  void orm.close(true);
  setTimeout(() => process.exit(0), 1_000).unref();
}
