import type { EntityManager } from '@mikro-orm/postgresql';
import { TesseraError } from './errors.ts';
import { sql, sqlResult } from './sql.ts';

/**
 * Monthly range partitions, shared by every context with a partitioned log table (audit_logs, execution_logs).
 * Partitions are named `<table>_pYYYYMM` and cover one UTC calendar month of the partition column; a DEFAULT
 * partition `<table>_default` (created by the table's migration) takes rows whose month has no partition yet,
 * so a write never fails. Maintenance moves such rows into their month's partition when it creates it.
 */

/** A table range-partitioned by month. */
export interface MonthlyPartitionedTable {
  readonly schema: string;
  readonly table: string;
  /** The partition key column (timestamptz). */
  readonly column: string;
}

/** Options of {@link maintainPartitions}. */
export interface PartitionMaintenanceOptions {
  /** Months after the current one to create ahead of time (default 3). */
  readonly ahead?: number;
  /** Keep the current month plus this many previous months; older partitions are detached and dropped. Unset: keep all. */
  readonly retentionMonths?: number;
  /** The moment "now" means (default: the current time). */
  readonly now?: Date;
  /**
   * Called for each partition about to be dropped, before anything is changed; it writes the partition out and
   * returns the number of rows the verified copy holds. The partition is dropped only if it still holds exactly
   * that many rows when it is detached; a failure stops the maintenance before that partition is dropped.
   */
  readonly archive?: (partition: { readonly schema: string; readonly name: string }) => Promise<number>;
}

/** A partition changed between its archiving and its drop: it is kept. */
export class PartitionChangedError extends TesseraError {
  constructor(partition: string, archived: number, found: number) {
    super(
      'PARTITION_CHANGED',
      `partition ${partition} holds ${found} row(s) but its archive holds ${archived}: it was kept; run the ` +
        'maintenance again to archive it afresh',
    );
  }
}

/** What {@link maintainPartitions} did to one table. */
export interface PartitionMaintenanceResult {
  readonly table: string;
  /** Partitions created, oldest first. */
  readonly created: string[];
  /** Partitions detached and dropped, oldest first. */
  readonly dropped: string[];
  /** Rows moved out of the DEFAULT partition into a new month's partition. */
  readonly movedRows: number;
}

/** One existing monthly partition. */
export interface MonthlyPartition {
  readonly name: string;
  /** First instant of its month (UTC). */
  readonly from: Date;
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;
const monthStart = (d: Date, plus = 0) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + plus, 1));
const qualified = (t: MonthlyPartitionedTable, name = t.table) => `${quote(t.schema)}.${quote(name)}`;

/** The name of the partition that holds `month` (any instant in it) of `table`: `<table>_pYYYYMM`. */
export function monthlyPartitionName(table: string, month: Date): string {
  const start = monthStart(month);
  return `${table}_p${start.getUTCFullYear()}${String(start.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The name of a table's DEFAULT partition. */
export function defaultPartitionName(table: string): string {
  return `${table}_default`;
}

/** The monthly partitions a table has now (the DEFAULT partition excluded), oldest first. */
export async function listMonthlyPartitions(
  em: EntityManager,
  t: MonthlyPartitionedTable,
): Promise<MonthlyPartition[]> {
  const rows = await sql<{ name: string }>(em, {
    text: `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = $1::regclass order by c.relname`,
    values: [qualified(t)],
  });
  const pattern = new RegExp(`^${t.table}_p(\\d{4})(\\d{2})$`);
  return rows.flatMap((r) => {
    const m = pattern.exec(r.name);
    return m ? [{ name: r.name, from: new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)) }] : [];
  });
}

/**
 * Serialises maintenance of one table across processes (two replicas running `tessera partitions` at once).
 * Transaction-scoped, so it is released with the transaction.
 */
async function lockTable(em: EntityManager, t: MonthlyPartitionedTable): Promise<void> {
  await sql(em, {
    text: 'select pg_advisory_xact_lock(hashtext($1))',
    values: [`tessera.partitions:${t.schema}.${t.table}`],
  });
}

/**
 * Creates the partition for the month starting at `from`, in one transaction. PostgreSQL refuses to create a
 * partition whose range has rows in the DEFAULT partition, so when it has, the DEFAULT partition is detached,
 * the new partition created, the rows moved into it and the DEFAULT partition re-attached: readers never see
 * a row missing or twice. Returns the rows moved, or null when the partition already existed.
 */
async function createMonth(em: EntityManager, t: MonthlyPartitionedTable, from: Date): Promise<number | null> {
  const to = monthStart(from, 1);
  const name = monthlyPartitionName(t.table, from);
  const def = defaultPartitionName(t.table);
  return em.transactional(async (tx) => {
    await lockTable(tx, t);
    const [exists] = await sql<{ found: boolean }>(tx, {
      text: 'select to_regclass($1) is not null as found',
      values: [qualified(t, name)],
    });
    if (exists?.found) return null;
    const bounds = `for values from ('${from.toISOString()}') to ('${to.toISOString()}')`;
    const inRange = `${quote(t.column)} >= $1 and ${quote(t.column)} < $2`;
    const [waiting] = await sql<{ found: boolean }>(tx, {
      text: `select exists (select 1 from ${qualified(t, def)} where ${inRange}) as found`,
      values: [from, to],
    });
    if (!waiting?.found) {
      await sql(tx, { text: `create table ${qualified(t, name)} partition of ${qualified(t)} ${bounds}` });
      return 0;
    }
    await sql(tx, { text: `alter table ${qualified(t)} detach partition ${qualified(t, def)}` });
    await sql(tx, { text: `create table ${qualified(t, name)} partition of ${qualified(t)} ${bounds}` });
    await sql(tx, {
      text: `insert into ${qualified(t, name)} select * from ${qualified(t, def)} where ${inRange}`,
      values: [from, to],
    });
    const moved = await sqlResult(tx, {
      text: `delete from ${qualified(t, def)} where ${inRange}`,
      values: [from, to],
    });
    await sql(tx, { text: `alter table ${qualified(t)} attach partition ${qualified(t, def)} default` });
    return moved.rowCount;
  });
}

/**
 * Detaches and drops one partition, in one transaction. With `archivedRows`, the detached partition (locked by
 * the detach, so no write can slip in) must hold exactly that many rows, or nothing is dropped.
 */
async function dropPartition(
  em: EntityManager,
  t: MonthlyPartitionedTable,
  name: string,
  archivedRows?: number,
): Promise<void> {
  await em.transactional(async (tx) => {
    await lockTable(tx, t);
    await sql(tx, { text: `alter table ${qualified(t)} detach partition ${qualified(t, name)}` });
    if (archivedRows !== undefined) {
      const [row] = await sql<{ n: string }>(tx, { text: `select count(*)::text as n from ${qualified(t, name)}` });
      const found = Number(row?.n ?? 0);
      if (found !== archivedRows) throw new PartitionChangedError(`${t.schema}.${name}`, archivedRows, found);
    }
    await sql(tx, { text: `drop table ${qualified(t, name)}` });
  });
}

/**
 * Maintains a monthly-partitioned table: creates the partitions of the current month and `ahead` months after
 * it, and of every month that has rows waiting in the DEFAULT partition (moving them in); then, with a
 * retention, detaches and drops every partition older than the current month minus `retentionMonths` months.
 * Safe to run repeatedly and concurrently.
 */
export async function maintainPartitions(
  em: EntityManager,
  t: MonthlyPartitionedTable,
  options: PartitionMaintenanceOptions = {},
): Promise<PartitionMaintenanceResult> {
  const ahead = options.ahead ?? 3;
  if (!Number.isInteger(ahead) || ahead < 0)
    throw new RangeError(`ahead must be a non-negative integer (got ${ahead})`);
  const retention = options.retentionMonths;
  if (retention !== undefined && (!Number.isInteger(retention) || retention < 0)) {
    throw new RangeError(`retentionMonths must be a non-negative integer (got ${retention})`);
  }
  const now = options.now ?? new Date();
  const months = new Map<number, Date>();
  for (let i = 0; i <= ahead; i++) months.set(monthStart(now, i).getTime(), monthStart(now, i));
  const waiting = await sql<{ month: string }>(em, {
    text: `select distinct to_char(${quote(t.column)} at time zone 'UTC', 'YYYY-MM') as month
       from ${qualified(t, defaultPartitionName(t.table))}`,
  });
  for (const { month } of waiting) {
    const from = new Date(`${month}-01T00:00:00Z`);
    months.set(from.getTime(), from);
  }

  const created: string[] = [];
  let movedRows = 0;
  for (const from of [...months.values()].sort((a, b) => a.getTime() - b.getTime())) {
    const moved = await createMonth(em, t, from);
    if (moved === null) continue;
    created.push(monthlyPartitionName(t.table, from));
    movedRows += moved;
  }

  const dropped: string[] = [];
  if (retention !== undefined) {
    const cutoff = monthStart(now, -retention);
    for (const partition of await listMonthlyPartitions(em, t)) {
      if (partition.from.getTime() >= cutoff.getTime()) continue;
      const archived = options.archive ? await options.archive({ schema: t.schema, name: partition.name }) : undefined;
      await dropPartition(em, t, partition.name, archived);
      dropped.push(partition.name);
    }
  }
  return { table: `${t.schema}.${t.table}`, created, dropped, movedRows };
}
