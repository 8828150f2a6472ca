import { check } from '../api.ts';
import type { CommandContext } from '../command.ts';
import { runOptions } from './shared.ts';

/**
 * `tessera check`: exit 1 when migrations are pending, an index is invalid, the database differs from the entities,
 * or an object differs from what the migrations create.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const result = await check(ctx.config, runOptions(ctx));
  if (result.pending.length > 0) ctx.out(`${result.pending.length} migration(s) pending: run \`tessera migrate\`.`);
  for (const i of result.invalidIndexes) {
    ctx.out(`Invalid index ${i} (a failed concurrent build): \`tessera migrate\` rebuilds it.`);
  }
  if (result.drift.length > 0) {
    ctx.out('The database differs from the entities. These statements would align it:');
    for (const s of result.drift) ctx.out(`  ${s};`);
  }
  if (result.objects.length > 0) {
    ctx.out('The database differs from what the migrations create:');
    for (const o of result.objects) ctx.out(`  ${o.message}`);
  }
  if (result.clean) {
    ctx.out(
      'No drift: the database matches the entities and what the migrations create, and every migration is applied.',
    );
  }
  return result.clean ? 0 : 1;
}

export { waitForDatabase } from './shared.ts';
