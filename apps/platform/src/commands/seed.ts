import { createOrm } from '@tessera/kernel';
import { platform } from '../composition.ts';
import { loadSeeders } from '../seed/index.ts';
import { type Command, UsageError } from './types.ts';

/** The largest `--scale` (100 000 demo documents). */
const MAX_SCALE = 2000;

/**
 * `tessera seed [--scale N]`: the sample users and documents plus demo data for every context that has
 * a seeder, each context in its own transaction. Idempotent: existing rows are found by natural keys and kept.
 */
export const seed: Command = {
  options: { scale: { type: 'string' } },
  async run(ctx) {
    const raw = ctx.values.scale;
    const scale = raw === undefined ? 1 : Number(raw);
    if (!Number.isInteger(scale) || scale < 1 || scale > MAX_SCALE) {
      throw new UsageError(`--scale must be an integer from 1 to ${MAX_SCALE} (got ${String(raw)})`);
    }
    const orm = await createOrm(platform, ctx.url, { pool: { min: 0, max: 2 } });
    try {
      for (const { context, seeder } of await loadSeeders(platform)) {
        const [present] = await orm.em
          .fork()
          .execute<{ n: number }[]>('select count(*)::int as n from pg_namespace where nspname = ?', [context]);
        if (!present?.n) {
          ctx.err(`tessera: the ${context} schema does not exist yet: run \`tessera migrate\` first`);
          return 1;
        }
        const started = performance.now();
        // One transaction per context: a failing seeder leaves its context as it was.
        const report = await orm.em.fork().transactional((em) => seeder.run({ em, scale, out: ctx.out }));
        const parts = Object.entries(report).map(([kind, r]) => `${kind} ${r.created} created, ${r.existing} existing`);
        ctx.out(`${context.padEnd(12)} ${parts.join('; ')} (${Math.round(performance.now() - started)} ms)`);
      }
      ctx.out(`Seeded at scale ${scale}.`);
      return 0;
    } finally {
      await orm.close(true);
    }
  },
};
