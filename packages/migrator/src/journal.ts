import type pg from 'pg';

/** The schema that holds Tessera's own bookkeeping; no context may use this name. */
export const JOURNAL_SCHEMA = 'tessera';
const TABLE = `"${JOURNAL_SCHEMA}"."migrations"`;
const FAILURES = `"${JOURNAL_SCHEMA}"."migration_failures"`;

/** One applied migration as the journal records it. */
export interface AppliedMigration {
  readonly id: number;
  readonly name: string;
  readonly context: string;
  readonly checksum: string;
  readonly transactional: boolean;
  readonly appliedAt: Date;
  readonly executionMs: number;
  /** Set when a person marked the migration applied with `tessera resolve` instead of the engine applying it. */
  readonly resolution: string | null;
}

/** A non-transactional migration that failed part-way and has not been resolved since. */
export interface FailedMigration {
  readonly name: string;
  readonly context: string;
  readonly checksum: string;
  /** How many of its statements had taken effect before the failure. */
  readonly statementsDone: number;
  readonly statementsTotal: number;
  readonly statement: string | null;
  readonly error: string | null;
  readonly failedAt: Date;
}

/** Whether the journal table exists yet. */
export async function journalExists(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query(`select to_regclass('${TABLE}') is not null as ok`);
  return Boolean(rows[0]?.ok);
}

/**
 * Creates the journal if it does not exist, and upgrades one an older version created (one round trip each).
 * Called under the migration lock only.
 */
export async function ensureJournal(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query(
    `select to_regclass('${TABLE}') is not null as journal, to_regclass('${FAILURES}') is not null as failures,
            exists (select 1 from pg_attribute where attrelid = to_regclass('${TABLE}') and attname = 'resolution'
                       and not attisdropped) as resolution`,
  );
  const state = rows[0] as { journal: boolean; failures: boolean; resolution: boolean };
  if (state.journal && state.failures && state.resolution) return;
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
     );
     alter table ${TABLE} add column if not exists resolution text;
     create table if not exists ${FAILURES} (
       name text primary key,
       context text not null,
       checksum char(64) not null,
       statements_done integer not null,
       statements_total integer not null,
       statement text,
       error text,
       failed_at timestamptz not null default clock_timestamp()
     )`,
  );
}

/** Every applied migration, in the order it was applied. An absent journal means nothing was applied. */
export async function readJournal(client: pg.ClientBase): Promise<AppliedMigration[]> {
  if (!(await journalExists(client))) return [];
  // A journal written before the resolution column existed is read as it is (status runs without the lock).
  const { rows } = await client
    .query(`select to_jsonb(m) as r from ${TABLE} m order by id`)
    .then((res) => ({ rows: res.rows.map((x) => x.r as Record<string, unknown>) }));
  return rows.map((r) => ({
    id: Number(r.id),
    name: String(r.name),
    context: String(r.context),
    checksum: String(r.checksum),
    transactional: Boolean(r.transactional),
    appliedAt: new Date(r.applied_at as string),
    executionMs: Number(r.execution_ms),
    resolution: r.resolution == null ? null : String(r.resolution),
  }));
}

/** Records an applied migration (inside the migration's own transaction when it has one). */
export async function recordApplied(
  client: pg.ClientBase,
  entry: {
    name: string;
    context: string;
    checksum: string;
    transactional: boolean;
    executionMs: number;
    resolution?: string;
  },
): Promise<void> {
  await client.query(
    `with done as (delete from ${FAILURES} where name = $1)
     insert into ${TABLE} (name, context, checksum, transactional, execution_ms, resolution)
     values ($1, $2, $3, $4, $5, $6)`,
    [
      entry.name,
      entry.context,
      entry.checksum,
      entry.transactional,
      Math.round(entry.executionMs),
      entry.resolution ?? null,
    ],
  );
}

/** Records (or replaces) the failure of a non-transactional migration. */
export async function recordFailure(client: pg.ClientBase, failure: Omit<FailedMigration, 'failedAt'>): Promise<void> {
  await client.query(
    `insert into ${FAILURES} (name, context, checksum, statements_done, statements_total, statement, error)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (name) do update set context = excluded.context, checksum = excluded.checksum,
       statements_done = excluded.statements_done, statements_total = excluded.statements_total,
       statement = excluded.statement, error = excluded.error, failed_at = clock_timestamp()`,
    [
      failure.name,
      failure.context,
      failure.checksum,
      failure.statementsDone,
      failure.statementsTotal,
      failure.statement,
      failure.error,
    ],
  );
}

/** Forgets a failure (the migration was resolved as rolled back, or ran again). */
export async function clearFailure(client: pg.ClientBase, name: string): Promise<void> {
  await client.query(`delete from ${FAILURES} where name = $1`, [name]);
}

/** Every unresolved failure, oldest first; none when the table does not exist yet. */
export async function readFailures(client: pg.ClientBase): Promise<FailedMigration[]> {
  const { rows } = await client.query(`select to_regclass('${FAILURES}') is not null as ok`);
  if (!rows[0]?.ok) return [];
  const result = await client.query(`select * from ${FAILURES} order by failed_at`);
  return result.rows.map((r) => ({
    name: String(r.name),
    context: String(r.context),
    checksum: String(r.checksum),
    statementsDone: Number(r.statements_done),
    statementsTotal: Number(r.statements_total),
    statement: r.statement == null ? null : String(r.statement),
    error: r.error == null ? null : String(r.error),
    failedAt: new Date(r.failed_at),
  }));
}

/** Forgets a reverted migration. */
export async function recordReverted(client: pg.ClientBase, name: string): Promise<void> {
  await client.query(`delete from ${TABLE} where name = $1`, [name]);
}
