import type pg from 'pg';

/** One table's fingerprint: its exact row count and an order-independent checksum of its rows. */
export interface TableFingerprint {
  readonly schema: string;
  readonly table: string;
  readonly rows: number;
  /** Sum of a 64-bit hash of each row's text form (as a decimal string): independent of physical order. */
  readonly checksum: string;
}

/** A difference between the fingerprints of a source and a restored database. */
export interface TableDifference {
  readonly table: string;
  readonly problem: 'missing' | 'unexpected' | 'rows' | 'checksum';
  readonly expected?: string;
  readonly actual?: string;
}

const SYSTEM_SCHEMAS = `('pg_catalog', 'information_schema', 'pg_toast')`;

/**
 * Settings that fix how rows print as text, so a row hashes the same on the source and on the restored database
 * whatever the server's defaults are. Local to the current transaction (the caller opens one), so they never
 * outlive it on a pooled connection.
 */
export async function stableTextSettings(client: pg.ClientBase): Promise<void> {
  await client.query(
    `select set_config('timezone', 'UTC', true), set_config('datestyle', 'ISO, YMD', true),
            set_config('intervalstyle', 'postgres', true), set_config('extra_float_digits', '1', true),
            set_config('bytea_output', 'hex', true)`,
  );
}

/** The ordinary and partitioned tables in `schemas` (all user schemas when undefined). */
export async function listTables(
  client: pg.ClientBase,
  schemas?: readonly string[],
): Promise<{ schema: string; table: string }[]> {
  const { rows } = await client.query<{ schema: string; table: string }>(
    `select n.nspname as schema, c.relname as "table"
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and not c.relispartition
        and n.nspname not in ${SYSTEM_SCHEMAS} and n.nspname not like 'pg\\_temp%'
        and ($1::text[] is null or n.nspname = any($1))
      order by 1, 2`,
    [schemas ?? null],
  );
  return rows;
}

/**
 * Fingerprints every table of `schemas` (all user schemas when undefined), in the client's current snapshot; call
 * it inside a transaction (its text settings are transaction-local).
 */
export async function fingerprint(client: pg.ClientBase, schemas?: readonly string[]): Promise<TableFingerprint[]> {
  await stableTextSettings(client);
  const result: TableFingerprint[] = [];
  for (const { schema, table } of await listTables(client, schemas)) {
    const name = `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(table)}`;
    // A sum (not a hash of the concatenation) keeps memory flat on big tables and ignores physical row order.
    const { rows } = await client.query<{ rows: string; checksum: string }>(
      `select count(*)::text as rows, coalesce(sum(hashtextextended(t::text, 0)::numeric), 0)::text as checksum
         from ${name} t`,
    );
    result.push({ schema, table, rows: Number(rows[0]?.rows ?? 0), checksum: String(rows[0]?.checksum ?? '0') });
  }
  return result;
}

/** Compares a restored database's fingerprints with the source's; an empty list means they match. */
export function compareFingerprints(
  source: readonly TableFingerprint[],
  restored: readonly TableFingerprint[],
): TableDifference[] {
  const key = (t: TableFingerprint) => `${t.schema}.${t.table}`;
  const byKey = new Map(restored.map((t) => [key(t), t]));
  const differences: TableDifference[] = [];
  for (const s of source) {
    const r = byKey.get(key(s));
    byKey.delete(key(s));
    if (!r) differences.push({ table: key(s), problem: 'missing' });
    else if (r.rows !== s.rows)
      differences.push({ table: key(s), problem: 'rows', expected: String(s.rows), actual: String(r.rows) });
    else if (r.checksum !== s.checksum)
      differences.push({ table: key(s), problem: 'checksum', expected: s.checksum, actual: r.checksum });
  }
  for (const extra of byKey.keys()) differences.push({ table: extra, problem: 'unexpected' });
  return differences;
}
