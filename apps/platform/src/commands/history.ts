import { recordOpsEventsInAudit } from '../ops/audit-sink.ts';
import { opsEvents } from '../ops/events.ts';
import { renderTable } from '../ops/table.ts';
import { withEngine } from './migrations.ts';
import { type Command, UsageError } from './types.ts';

/** `tessera history`: the applied migrations, oldest first, with time, duration, checksum and context. */
export const history: Command = {
  name: 'history',
  help: '[--json]               applied migrations with time, duration, checksum and context',
  options: { json: { type: 'boolean' } },
  run: (ctx) =>
    withEngine(ctx, async (engine) => {
      const applied = await engine.history();
      if (ctx.values.json) {
        const rows = applied.map((a) => ({
          name: a.name,
          context: a.context,
          appliedAt: a.appliedAt.toISOString(),
          durationMs: a.executionMs,
          checksum: a.checksum,
          transactional: a.transactional,
          resolution: a.resolution,
        }));
        ctx.out(JSON.stringify(rows, null, 2));
        return 0;
      }
      if (applied.length === 0) {
        ctx.out('No migration is applied.');
        return 0;
      }
      const rows = applied.map((a) => [
        a.appliedAt.toISOString(),
        `${a.executionMs} ms`,
        a.context,
        a.name,
        a.checksum.slice(0, 12),
        [a.transactional ? '' : 'non-transactional', a.resolution ?? ''].filter(Boolean).join(', '),
      ]);
      for (const line of renderTable(['applied at', 'duration', 'context', 'migration', 'checksum', 'note'], rows)) {
        ctx.out(line);
      }
      return 0;
    }),
};

/** `tessera resolve NAME --applied|--rolled-back`: a person's verdict on a failed non-transactional migration. */
export const resolve: Command = {
  name: 'resolve',
  help: 'NAME --applied|--rolled-back  mark a failed non-transactional migration after checking it by hand',
  options: { applied: { type: 'boolean' }, 'rolled-back': { type: 'boolean' } },
  run: (ctx) => {
    const [name, ...extra] = ctx.positionals;
    if (!name || extra.length > 0) throw new UsageError('resolve takes one migration name');
    const applied = ctx.values.applied === true;
    const rolledBack = ctx.values['rolled-back'] === true;
    if (applied === rolledBack) throw new UsageError('resolve needs exactly one of --applied or --rolled-back');
    const resolution = applied ? 'applied' : 'rolled-back';
    return withEngine(ctx, async (engine) => {
      recordOpsEventsInAudit();
      const { migration, context } = await engine.resolve(name, resolution);
      await opsEvents.publish(
        { type: 'db.migration.resolved', migration, context, resolution },
        ctx.url,
        undefined,
        engine.connection,
      );
      ctx.out(
        applied
          ? `Marked ${migration} (${context}) as applied; migrate will not run it again.`
          : `Marked ${migration} (${context}) as rolled back; the next migrate runs it again.`,
      );
      return 0;
    });
  },
};
