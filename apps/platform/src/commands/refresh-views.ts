import { createOrm, refreshMaterializedViews } from '@tessera/kernel';
import { platform } from '../composition.ts';
import type { Command } from './types.ts';

/** `tessera refresh-views`: refreshes every materialized view the composed contexts declare. */
export const refreshViews: Command = {
  options: {},
  async run(ctx) {
    const orm = await createOrm(platform, ctx.url, { pool: { min: 0, max: 1 } });
    try {
      const refreshed = await refreshMaterializedViews(orm.em.fork(), platform.materializedViews);
      ctx.out(refreshed.length > 0 ? `Refreshed ${refreshed.join(', ')}.` : 'No materialized view is declared.');
      return 0;
    } finally {
      await orm.close(true);
    }
  },
};
