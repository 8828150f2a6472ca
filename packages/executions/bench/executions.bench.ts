/**
 * `pnpm bench` in packages/executions: the two hot paths of the executions context against raw `pg`, measured in
 * the same run on the same database.
 *
 * 1. Appending 1M execution_logs rows through ExecutionRepository.appendLogs (COPY, in batches of 50k) against one
 *    raw COPY stream of the same rows. Goal: at least 0.5x COPY's rows/s.
 * 2. Listing the newest 50 executions of a workflow, at 1M executions, through ExecutionRepository.listByWorkflow
 *    (row-level security on, as the owner) against the same SELECT in raw `pg`. Goal: at most 1.3x raw p50 and p95.
 *
 * BENCH_LOG_ROWS / BENCH_EXECUTIONS / BENCH_ROUNDS scale it down for a quick look.
 */
import { userFactory } from '@tessera/identity/testing';
import { createOrm } from '@tessera/kernel';
import { loadLine, machineLine, percentiles, startTestServer } from '@tessera/test-server';
import { createTestDatabase } from '@tessera/testing';
import { workflowFactory } from '@tessera/workflows/testing';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ExecutionRepository, executions, type LogInput } from '../src/index.ts';

const LOG_ROWS = Number(process.env.BENCH_LOG_ROWS ?? 1_000_000);
const EXECUTIONS = Number(process.env.BENCH_EXECUTIONS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 400);
const BATCH = 50_000;
const WORKFLOWS = 20;

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

// The server: TEST_DATABASE_URL (an admin URL), else one the harness starts (testcontainers or embedded).
const configured = process.env.TEST_DATABASE_URL;
const server = configured ? { adminUrl: configured, stop: async () => {} } : await startTestServer();
process.env.TESSERA_TEST_ADMIN_URL = server.adminUrl;
const db = await createTestDatabase([executions]);
const orm = await createOrm(db.composition, db.url, { pool: { min: 1, max: 4 } });
const raw = new pg.Pool({ connectionString: db.url, max: 2 });
try {
  const [{ version }] = (await raw.query('select version()')).rows as [{ version: string }];
  console.log(version);
  console.log(`machine:  ${machineLine()}`);
  console.log(`load:     ${loadLine()} (at start)`);
  console.log(`node:     ${process.version}`);

  const owner = await userFactory(orm.em.fork());
  const flows = [];
  for (let i = 0; i < WORKFLOWS; i++) flows.push(await workflowFactory(orm.em.fork(), { owner }));
  const repo = new ExecutionRepository(orm.em.fork(), { userId: owner.id });
  const target = await repo.start(flows[0]?.id as string);
  await repo.maintainLogPartitions({ ahead: 1 });

  // ---- 1. log append -------------------------------------------------------------------------------------
  const logs: LogInput[] = Array.from({ length: LOG_ROWS }, (_, i) => ({
    level: i % 10 === 0 ? 'warning' : 'info',
    message: `step ${i % 97} finished processing item ${i}`,
    context: { item: i, shard: i % 16 },
  }));
  const copyLine = (l: LogInput, at: string) =>
    `${target.id}\t\\N\t${l.level}\t${l.message}\t${JSON.stringify(l.context)}\t${at}\n`;

  const viaRepository = async () => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < logs.length; i += BATCH) await repo.appendLogs(target.id, logs.slice(i, i + BATCH));
    return ms(start);
  };
  const viaCopy = async () => {
    const start = process.hrtime.bigint();
    const client = await raw.connect();
    try {
      const at = new Date().toISOString();
      const stream = client.query(
        copyFrom(
          'copy executions.execution_logs (execution_id, execution_step_id, level, message, context, created_at) from stdin',
        ),
      );
      await new Promise<void>((resolve, reject) => {
        stream.on('error', reject);
        stream.on('finish', resolve);
        for (let i = 0; i < logs.length; i += 1000) {
          let chunk = '';
          for (let j = i; j < Math.min(i + 1000, logs.length); j++) chunk += copyLine(logs[j] as LogInput, at);
          stream.write(chunk);
        }
        stream.end();
      });
    } finally {
      client.release();
    }
    return ms(start);
  };
  const truncate = () => raw.query('truncate executions.execution_logs');

  const append: Record<'repository' | 'copy', number[]> = { repository: [], copy: [] };
  for (let round = 0; round < 2; round++) {
    // Alternate the order so neither path always runs on a warmer server.
    const order = round % 2 === 0 ? (['copy', 'repository'] as const) : (['repository', 'copy'] as const);
    for (const path of order) {
      await truncate();
      await raw.query('checkpoint');
      append[path].push(path === 'copy' ? await viaCopy() : await viaRepository());
    }
  }
  await truncate();
  const best = (xs: number[]) => Math.min(...xs);
  const rate = (t: number) => Math.round(LOG_ROWS / (t / 1000));
  console.log(`\n1. append ${LOG_ROWS} execution_logs rows (best of 2, order alternated)`);
  console.log(
    `   raw COPY (one stream)                 ${best(append.copy).toFixed(0).padStart(7)} ms  ${rate(best(append.copy))} rows/s`,
  );
  console.log(
    `   ExecutionRepository.appendLogs (${BATCH / 1000}k batches) ${best(append.repository).toFixed(0).padStart(7)} ms  ${rate(best(append.repository))} rows/s`,
  );
  const appendRatio = best(append.copy) / best(append.repository);
  console.log(
    `   repository/COPY rows/s: ${appendRatio.toFixed(2)}x (goal >= 0.5x): ${appendRatio >= 0.5 ? 'MET' : 'NOT MET'}`,
  );

  // ---- 2. list newest 50 at 1M executions ------------------------------------------------------------------
  const versions = (
    await raw.query('select id, current_version_id from workflows.workflows where id = any($1::uuid[])', [
      flows.map((f) => f.id),
    ])
  ).rows as { id: string; current_version_id: string }[];
  await raw.query(
    `insert into executions.executions (id, workflow_id, workflow_version_id, triggered_by, status, created_at, updated_at)
     select gen_random_uuid(), v.id, v.current_version_id, $2,
            (array['pending','running','completed','failed'])[1 + g % 4]::executions.execution_status,
            now() - g * interval '1 second', now()
       from generate_series(1, $1::int) g
       join (select id, current_version_id, row_number() over (order by id) - 1 as n
               from workflows.workflows where id = any($3::uuid[])) v on v.n = g % $4`,
    [EXECUTIONS - 1, owner.id, flows.map((f) => f.id), versions.length],
  );
  await raw.query('vacuum analyze executions.executions');
  const [{ n }] = (await raw.query('select count(*)::int as n from executions.executions')).rows as [{ n: number }];
  const sql = `select id, status, triggered_by as "triggeredBy", created_at as "createdAt" from executions.executions
                where workflow_id = $1 order by created_at desc limit 50`;
  const lister = new ExecutionRepository(orm.em.fork(), { userId: owner.id });
  const times: Record<'repository' | 'raw', number[]> = { repository: [], raw: [] };
  const once = async (path: 'repository' | 'raw', workflowId: string) => {
    const start = process.hrtime.bigint();
    const rows =
      path === 'raw'
        ? (await raw.query(sql, [workflowId])).rows
        : await lister.listByWorkflow(workflowId, { limit: 50 });
    const t = ms(start);
    if (rows.length !== 50) throw new Error(`${path} returned ${rows.length} rows`);
    return t;
  };
  for (let i = 0; i < 50; i++) {
    await once('raw', flows[i % WORKFLOWS]?.id as string);
    await once('repository', flows[i % WORKFLOWS]?.id as string);
  }
  for (let i = 0; i < ROUNDS; i++) {
    const wf = flows[i % WORKFLOWS]?.id as string;
    const order = i % 2 === 0 ? (['raw', 'repository'] as const) : (['repository', 'raw'] as const);
    for (const path of order) times[path].push(await once(path, wf));
  }
  const p = (path: 'repository' | 'raw', q: 0.5 | 0.95) =>
    q === 0.5 ? percentiles(times[path]).median : percentiles(times[path]).p95;
  console.log(`\n2. newest 50 executions of a workflow, ${n} executions in ${WORKFLOWS} workflows, ${ROUNDS} rounds`);
  console.log('                                          p50 ms   p95 ms');
  console.log(
    `   raw pg (same SELECT, no RLS)          ${p('raw', 0.5).toFixed(3).padStart(7)}  ${p('raw', 0.95).toFixed(3).padStart(7)}`,
  );
  console.log(
    `   ExecutionRepository.listByWorkflow    ${p('repository', 0.5).toFixed(3).padStart(7)}  ${p('repository', 0.95).toFixed(3).padStart(7)}`,
  );
  const r50 = p('repository', 0.5) / p('raw', 0.5);
  const r95 = p('repository', 0.95) / p('raw', 0.95);
  console.log(
    `   repository/raw: p50 ${r50.toFixed(2)}x, p95 ${r95.toFixed(2)}x (goal <= 1.3x): ${r50 <= 1.3 && r95 <= 1.3 ? 'MET' : 'NOT MET'}`,
  );
  console.log(`\nload:     ${loadLine()} (at end)`);
} finally {
  await raw.end();
  await orm.close(true);
  await db.drop();
  await server.stop();
}
