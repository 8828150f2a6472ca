import { checkDrift, checkObjectDrift, type EngineEvent, MigrationEngine } from '@tessera/migrator';
import { platform } from '../composition.ts';
import { recordOpsEventsInAudit } from '../ops/audit-sink.ts';
import { opsEvents } from '../ops/events.ts';
import { type Command, type CommandContext, UsageError } from './types.ts';

const lockTimeoutOption = { 'lock-timeout': { type: 'string' as const } };

function lockTimeoutMs(ctx: CommandContext): number {
  const raw = ctx.values['lock-timeout'];
  const seconds = raw === undefined ? 600 : Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new UsageError('--lock-timeout must be a positive number of seconds');
  return seconds * 1000;
}

function progress(out: CommandContext['out']) {
  return (event: EngineEvent): void => {
    switch (event.type) {
      case 'lock-waiting':
        out(
          `waiting for the migration lock (held by another run${event.holderPid ? `, backend pid ${event.holderPid}` : ''})…`,
        );
        break;
      case 'lock-acquired':
        if (event.waitedMs > 100) out(`lock acquired after ${(event.waitedMs / 1000).toFixed(1)}s`);
        break;
      case 'migration-start':
        process.stdout.write(
          `[${event.index}/${event.total}] ${event.direction === 'up' ? '↑' : '↓'} ${event.context.padEnd(12)} ${event.name}` +
            `${event.transactional ? '' : ' (non-transactional)'}${event.outOfOrder ? ' (out of order)' : ''} … `,
        );
        break;
      case 'migration-done':
        out(`done in ${Math.round(event.ms)} ms`);
        break;
    }
  };
}

/** Runs `fn` with a connected engine over the whole platform. */
export async function withEngine<T>(ctx: CommandContext, fn: (engine: MigrationEngine) => Promise<T>): Promise<T> {
  const engine = await MigrationEngine.create({
    composition: platform,
    url: ctx.url,
    onEvent: progress(ctx.out),
    lockTimeoutMs: lockTimeoutMs(ctx),
  });
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

export const migrate: Command = {
  name: 'migrate',
  help: '                      apply every pending migration (under a lock, in dependency order)',
  options: lockTimeoutOption,
  run: (ctx) =>
    withEngine(ctx, async (engine) => {
      recordOpsEventsInAudit();
      const started = performance.now();
      const applied = await engine.up();
      if (applied.length > 0) {
        const migrations = applied.map((m) => m.name);
        const ms = Math.round(performance.now() - started);
        await opsEvents.publish(
          { type: 'db.migration.completed', direction: 'up', migrations, success: true, ms },
          ctx.url,
        );
      }
      ctx.out(
        applied.length === 0
          ? 'The database is up to date; nothing to apply.'
          : `Applied ${applied.length} migration(s).`,
      );
      return 0;
    }),
};

export const status: Command = {
  name: 'status',
  help: '                       applied and pending migrations, per context',
  run: (ctx) =>
    withEngine(ctx, async (engine) => {
      for (const s of await engine.status()) {
        const last = s.applied.at(-1);
        ctx.out(
          `${s.context.padEnd(12)} ${s.applied.length} applied, ${s.pending.length} pending${last ? `, last ${last.name} at ${last.appliedAt.toISOString()}` : ''}`,
        );
        for (const p of s.pending) ctx.out(`  pending  ${p}`);
        for (const e of s.edited) ctx.out(`  EDITED   ${e} (changed after it was applied)`);
        for (const m of s.missing) ctx.out(`  MISSING  ${m} (applied, but not in the code)`);
      }
      return 0;
    }),
};

export const plan: Command = {
  name: 'plan',
  help: '                         the pending migrations and their SQL, without applying them',
  run: (ctx) =>
    withEngine(ctx, async (engine) => {
      const pending = await engine.plan();
      if (pending.length === 0) ctx.out('Nothing to apply.');
      for (const [i, m] of pending.entries()) {
        ctx.out(
          `-- [${i + 1}/${pending.length}] ${m.context}: ${m.name}${m.transactional ? '' : ' (non-transactional)'}${m.outOfOrder ? ' (out of order)' : ''}`,
        );
        for (const sql of m.statements) ctx.out(`${sql.replace(/;\s*$/, '')};`);
        ctx.out();
      }
      return 0;
    }),
};

export const check: Command = {
  name: 'check',
  help: '                        fail if the database differs from the entities, or migrations are pending',
  run: (ctx) =>
    withEngine(ctx, async (engine) => {
      const pending = await engine.plan();
      const drift = await checkDrift(platform, ctx.url);
      if (pending.length > 0) ctx.out(`${pending.length} migration(s) pending: run \`tessera migrate\`.`);
      if (drift.statements.length > 0) {
        ctx.out('The database differs from the entities. These statements would align it:');
        for (const s of drift.statements) ctx.out(`  ${s};`);
      }
      // Raw objects, grants, policies, partitions, views and their indexes: compared with a scratch database the
      // same migrations build. Only meaningful once every migration is applied.
      const objects =
        pending.length === 0
          ? await checkObjectDrift(platform, ctx.url, {
              ...(process.env.TESSERA_DRIFT_SCRATCH_URL
                ? { scratchServerUrl: process.env.TESSERA_DRIFT_SCRATCH_URL }
                : {}),
            })
          : [];
      if (objects.length > 0) {
        ctx.out('The database differs from what the migrations create:');
        for (const o of objects) ctx.out(`  ${o.message}`);
      }
      if (pending.length === 0 && drift.statements.length === 0 && objects.length === 0) {
        ctx.out(
          'No drift: the database matches the entities and what the migrations create, and every migration is applied.',
        );
        return 0;
      }
      return 1;
    }),
};

export const down: Command = {
  name: 'down',
  help: '[--to NAME|0] [--steps N]  revert the last migration, the last N, or all applied after NAME (0: all)',
  options: { to: { type: 'string' }, steps: { type: 'string' }, ...lockTimeoutOption },
  run: (ctx) => {
    const steps = ctx.values.steps === undefined ? undefined : Number(ctx.values.steps);
    if (steps !== undefined && (!Number.isInteger(steps) || steps < 1)) {
      throw new UsageError('--steps must be a positive integer');
    }
    const to = typeof ctx.values.to === 'string' ? ctx.values.to : undefined;
    return withEngine(ctx, async (engine) => {
      recordOpsEventsInAudit();
      const started = performance.now();
      const reverted = await engine.down({ ...(to !== undefined ? { to } : {}), ...(steps ? { steps } : {}) });
      if (reverted.length > 0) {
        const ms = Math.round(performance.now() - started);
        const event = {
          type: 'db.migration.completed',
          direction: 'down',
          migrations: reverted,
          success: true,
          ms,
        } as const;
        await opsEvents.publish(event, ctx.url);
      }
      ctx.out(reverted.length === 0 ? 'Nothing to revert.' : `Reverted ${reverted.length} migration(s).`);
      return 0;
    });
  },
};
