import type { AbstractSqlConnection, Transaction } from '@mikro-orm/postgresql';

/** The schema that holds Tessera's own bookkeeping; no context may use this name. */
export const JOURNAL_SCHEMA = 'tessera';
const TABLE = `"${JOURNAL_SCHEMA}"."migrations"`;

/** One applied migration as the journal records it. */
export interface AppliedMigration {
  readonly id: number;
  readonly name: string;
  readonly context: string;
  readonly checksum: string;
  readonly transactional: boolean;
  readonly appliedAt: Date;
  readonly executionMs: number;
}

/** Creates the journal if it does not exist. Called under the migration lock only. */
export async function ensureJournal(conn: AbstractSqlConnection): Promise<void> {
  await conn.execute(`create schema if not exists "${JOURNAL_SCHEMA}"`);
  await conn.execute(
    `create table if not exists ${TABLE} (
      id bigint generated always as identity primary key,
      name text not null unique,
      context text not null,
      checksum char(64) not null,
      transactional boolean not null,
      applied_at timestamptz not null default clock_timestamp(),
      execution_ms integer not null
    )`,
  );
}

/** Every applied migration, in the order it was applied. An absent journal means nothing was applied. */
export async function readJournal(conn: AbstractSqlConnection): Promise<AppliedMigration[]> {
  const [exists] = await conn.execute<{ ok: boolean }[]>(`select to_regclass('${TABLE}') is not null as ok`);
  if (!exists?.ok) return [];
  const rows = await conn.execute<Record<string, unknown>[]>(
    `select id, name, context, checksum, transactional, applied_at, execution_ms from ${TABLE} order by id`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    name: String(r.name),
    context: String(r.context),
    checksum: String(r.checksum),
    transactional: Boolean(r.transactional),
    appliedAt: new Date(r.applied_at as string),
    executionMs: Number(r.execution_ms),
  }));
}

/** Records an applied migration (in the migration's own transaction when it has one). */
export async function recordApplied(
  conn: AbstractSqlConnection,
  entry: { name: string; context: string; checksum: string; transactional: boolean; executionMs: number },
  tx?: Transaction,
): Promise<void> {
  await conn.execute(
    `insert into ${TABLE} (name, context, checksum, transactional, execution_ms) values (?, ?, ?, ?, ?)`,
    [entry.name, entry.context, entry.checksum, entry.transactional, Math.round(entry.executionMs)],
    'run',
    tx,
  );
}

/** Forgets a reverted migration. */
export async function recordReverted(conn: AbstractSqlConnection, name: string, tx?: Transaction): Promise<void> {
  await conn.execute(`delete from ${TABLE} where name = ?`, [name], 'run', tx);
}
