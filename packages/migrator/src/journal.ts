import type pg from 'pg';

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

/** Whether the journal table exists yet. */
export async function journalExists(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query(`select to_regclass('${TABLE}') is not null as ok`);
  return Boolean(rows[0]?.ok);
}

/** Creates the journal if it does not exist (one round trip, one commit). Called under the migration lock only. */
export async function ensureJournal(client: pg.ClientBase): Promise<void> {
  if (await journalExists(client)) return;
  await client.query(
    `create schema if not exists "${JOURNAL_SCHEMA}";
     create table if not exists ${TABLE} (
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
export async function readJournal(client: pg.ClientBase): Promise<AppliedMigration[]> {
  if (!(await journalExists(client))) return [];
  const { rows } = await client.query(
    `select id, name, context, checksum, transactional, applied_at, execution_ms from ${TABLE} order by id`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    name: String(r.name),
    context: String(r.context),
    checksum: String(r.checksum),
    transactional: Boolean(r.transactional),
    appliedAt: new Date(r.applied_at),
    executionMs: Number(r.execution_ms),
  }));
}

/** Records an applied migration (inside the migration's own transaction when it has one). */
export async function recordApplied(
  client: pg.ClientBase,
  entry: { name: string; context: string; checksum: string; transactional: boolean; executionMs: number },
): Promise<void> {
  await client.query(
    `insert into ${TABLE} (name, context, checksum, transactional, execution_ms) values ($1, $2, $3, $4, $5)`,
    [entry.name, entry.context, entry.checksum, entry.transactional, Math.round(entry.executionMs)],
  );
}

/** Forgets a reverted migration. */
export async function recordReverted(client: pg.ClientBase, name: string): Promise<void> {
  await client.query(`delete from ${TABLE} where name = $1`, [name]);
}
