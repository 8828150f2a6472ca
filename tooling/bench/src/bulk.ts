/**
 * One bulk append in a process of its own, so its peak RSS is its own: `node bulk.ts <mode> <rows> <url> <execution>`.
 * `copy`: raw COPY through pg-copy-streams (lines streamed from a generator, with backpressure);
 * `tessera`: ExecutionRepository.appendLogs. Both first build the same array of rows to append and connect; the
 * clock times the append call alone (connecting, and the ORM's metadata discovery, are start-up, not the call).
 * Peak RSS is the whole process's. Prints JSON.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ExecutionRepository, executions, type LogInput } from '@tessera/executions';
import { composeContexts, createOrm } from '@tessera/kernel';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const [mode, rowsArg, url, executionId, owner] = process.argv.slice(2) as [string, string, string, string, string];
const rows = Number(rowsArg);
const logs: LogInput[] = Array.from({ length: rows }, (_, i) => ({
  level: 'info',
  message: `step ${i % 20} processed item ${i}`,
  context: { item: i, shard: i % 8 },
}));
let started = performance.now();
let cpu = process.cpuUsage();
if (mode === 'copy') {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  started = performance.now();
  cpu = process.cpuUsage();
  const now = new Date().toISOString();
  function* lines() {
    let chunk = '';
    for (const log of logs) {
      chunk += `${executionId}\t\\N\t${log.level}\t${log.message}\t${JSON.stringify(log.context)}\t${now}\n`;
      if (chunk.length >= 65_536) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  const stream = client.query(
    copyFrom(
      'copy executions.execution_logs (execution_id, execution_step_id, level, message, context, created_at) from stdin',
    ),
  );
  await pipeline(Readable.from(lines()), stream);
  await client.end();
} else {
  const orm = await createOrm(composeContexts([executions]), url, { pool: { min: 1, max: 2 } });
  const repository = new ExecutionRepository(orm.em.fork(), { userId: owner });
  // The pool connects on first use: an empty append (the visibility check alone) warms it, as a service's would be.
  await repository.appendLogs(executionId, []);
  started = performance.now();
  cpu = process.cpuUsage();
  await repository.appendLogs(executionId, logs);
  await orm.close();
}
const ms = performance.now() - started;
const used = process.cpuUsage(cpu);
console.log(
  JSON.stringify({
    mode,
    rows,
    ms,
    rowsPerSecond: rows / (ms / 1000),
    // This process's CPU during the call: what the client side costs, whatever the load on the server.
    cpuMs: (used.user + used.system) / 1000,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
// A measuring child: exit at once rather than wait for the pools' idle timers to let go.
process.exit(0);
