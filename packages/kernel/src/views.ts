import type { EntityManager } from '@mikro-orm/postgresql';
import type { ContextModule } from './context.ts';
import { sql } from './sql.ts';

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/**
 * Refreshes materialized views the contexts declare, one after the other (CONCURRENTLY where declared, so
 * readers are not blocked). Returns the schema-qualified names refreshed, in order.
 */
export async function refreshMaterializedViews(
  em: EntityManager,
  views: readonly ContextModule['materializedViews'][number][],
): Promise<string[]> {
  const done: string[] = [];
  for (const v of views) {
    const mode = v.concurrently ? ' concurrently' : '';
    await sql(em, { text: `refresh materialized view${mode} ${quote(v.schema)}.${quote(v.name)}` });
    done.push(`${v.schema}.${v.name}`);
  }
  return done;
}
