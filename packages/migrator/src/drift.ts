import { MikroORM } from '@mikro-orm/postgresql';
import { type Composition, ormOptions } from '@tessera/kernel';
import pg from 'pg';
import { JOURNAL_SCHEMA } from './journal.ts';
import { rawObjectKeys, touchesRawObject } from './raw-objects.ts';

/** What `check` found: the statements that would align the database with the composed entities. */
export interface DriftReport {
  /** Empty when the database matches the entities. */
  readonly statements: readonly string[];
}

/** Splits generator output into statements, dropping blank separators. */
function statementsOf(sql: string): string[] {
  return sql
    .split(/;\n/)
    .map((s) => s.trim().replace(/;$/, ''))
    .filter((s) => s.length > 0);
}

/**
 * Compares the database with the composed entities. Only the composition's schemas are looked at (the
 * journal's schema and other contexts' schemas are ignored), and statements that create, alter or drop exactly an
 * object a context declares as raw-SQL-owned (`rawObjects`, by kind and name) are left out here: the entities do not describe those objects, so
 * `checkObjectDrift` checks them against what the migrations create instead.
 */
export async function checkDrift(composition: Composition, url: string): Promise<DriftReport> {
  // Which schemas to leave alone is one catalog query: no ORM (and no metadata discovery) needed for it.
  const client = new pg.Client({ connectionString: url });
  let foreignSchemas: string[];
  try {
    await client.connect();
    const { rows } = await client.query<{ nspname: string }>(
      `select nspname from pg_namespace where nspname not like 'pg\\_%' and nspname <> 'information_schema'`,
    );
    const mine = new Set(composition.schemas);
    foreignSchemas = rows.map((r) => r.nspname).filter((n) => !mine.has(n));
  } finally {
    await client.end().catch(() => undefined);
  }
  const orm = new MikroORM(
    ormOptions(composition, url, {
      pool: { min: 0, max: 1 },
      schemaGenerator: { ignoreSchema: [...new Set([...foreignSchemas, JOURNAL_SCHEMA])] },
    }),
  );
  try {
    await orm.connect();
    const sql = await orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true });
    const owned = rawObjectKeys(composition);
    const statements = statementsOf(sql).filter((s) => !touchesRawObject(s, owned));
    return { statements };
  } finally {
    await orm.close(true);
  }
}
