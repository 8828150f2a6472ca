import type pg from 'pg';

/** An index marked invalid (`indisvalid = false`): what a failed or killed `CREATE INDEX CONCURRENTLY` leaves. */
export interface InvalidIndex {
  readonly schema: string;
  readonly name: string;
  readonly table: string;
  /** A concurrent build of it is running right now (it is invalid because it is not finished). */
  readonly building: boolean;
}

/** The invalid indexes of `schemas`. */
export async function listInvalidIndexes(client: pg.ClientBase, schemas: readonly string[]): Promise<InvalidIndex[]> {
  const { rows } = await client.query(
    `select n.nspname as schema, c.relname as name, t.relname as "table",
            exists (select 1 from pg_stat_progress_create_index p where p.index_relid = i.indexrelid) as building
       from pg_index i
       join pg_class c on c.oid = i.indexrelid
       join pg_class t on t.oid = i.indrelid
       join pg_namespace n on n.oid = c.relnamespace
      where not i.indisvalid and n.nspname = any($1::text[])
      order by 1, 2`,
    [[...schemas]],
  );
  return rows.map((r) => ({
    schema: String(r.schema),
    name: String(r.name),
    table: String(r.table),
    building: Boolean(r.building),
  }));
}

/** `schema.name`, quoted for SQL. */
export function qualified(index: { schema: string; name: string }): string {
  const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
  return `${q(index.schema)}.${q(index.name)}`;
}

/**
 * The statement that repairs an invalid index: the leftovers of a failed `REINDEX CONCURRENTLY` (`…_ccnew`,
 * `…_ccold`) are dropped; any other invalid index is rebuilt in place, keeping its definition, without blocking
 * writes.
 */
export function repairStatement(index: InvalidIndex): string {
  return /_cc(new|old)\d*$/.test(index.name)
    ? `drop index concurrently if exists ${qualified(index)}`
    : `reindex index concurrently ${qualified(index)}`;
}
