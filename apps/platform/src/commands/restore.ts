import { recordOpsEventsInAudit } from '../ops/audit-sink.ts';
import { restore } from '../ops/restore.ts';
import { sessionUrl } from '../ops/session.ts';
import { type Command, UsageError } from './types.ts';

/** `tessera restore FILE`: pg_restore into a new or empty database, then verify against the manifest. */
export const restoreCommand: Command = {
  options: {
    database: { type: 'string' },
    force: { type: 'boolean' },
    unverified: { type: 'boolean' },
    jobs: { type: 'string' },
  },
  async run(ctx) {
    recordOpsEventsInAudit();
    const [file] = ctx.positionals;
    if (!file) throw new UsageError('restore needs the backup FILE');
    const jobs = ctx.values.jobs === undefined ? 1 : Number(ctx.values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError('--jobs must be a positive integer');
    const target = new URL(sessionUrl(ctx.url, ctx.env));
    if (typeof ctx.values.database === 'string') {
      if (!ctx.values.database.trim()) throw new UsageError('--database must name a database');
      target.pathname = `/${encodeURIComponent(ctx.values.database)}`;
    }
    ctx.out(`Restoring ${file} into database "${decodeURIComponent(target.pathname.slice(1))}"…`);
    const result = await restore(target.toString(), file, {
      force: ctx.values.force === true,
      unverified: ctx.values.unverified === true,
      jobs,
      onProgress: (p) => ctx.out(`[${p.done}/${p.total}] ${p.table}`),
      onInfo: (line) => ctx.out(line),
    });
    ctx.out(`Restored ${result.tables} table(s) in ${(result.ms / 1000).toFixed(1)} s.`);
    if (!result.verified) {
      ctx.err('--unverified: the backup has no manifest, so row counts and checksums were not compared.');
      return 0;
    }
    if (result.differences.length === 0) {
      ctx.out(`Verified: every table's row count and checksum match the backup (${result.tables} table(s)).`);
      return 0;
    }
    ctx.err(`The restored database differs from the backup in ${result.differences.length} table(s):`);
    for (const d of result.differences) {
      ctx.err(
        `  ${d.table}: ${d.problem}${d.expected !== undefined ? ` (backup ${d.expected}, restored ${d.actual})` : ''}`,
      );
    }
    return 1;
  },
};
