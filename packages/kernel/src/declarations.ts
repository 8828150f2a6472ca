import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * What a context declares besides its entities and migrations, so the platform can derive its maintenance,
 * seeding and drift lists from the composition instead of keeping them by hand.
 */

/** Kinds of database objects a migration can create in raw SQL that the entities do not describe. */
export type RawObjectKind =
  | 'table'
  | 'partition'
  | 'index'
  | 'view'
  | 'materialized view'
  | 'sequence'
  | 'function'
  | 'trigger'
  | 'policy'
  | 'type'
  | 'role'
  | 'column';

/**
 * One raw-SQL object, by its exact (unquoted) name; schema objects live in the context's schema. A column is named
 * `table.column` (one the migrations add that no entity maps, e.g. a generated column).
 */
export interface RawObject {
  readonly kind: RawObjectKind;
  readonly name: string;
}

/** A table the context's migrations range-partition by month on a timestamptz column. */
export interface PartitionedTableDeclaration {
  readonly table: string;
  /** The partition key column (timestamptz). */
  readonly column: string;
  /** The partition width; monthly is the only one partition maintenance knows. */
  readonly interval: 'month';
}

/** A materialized view of the context that periodic maintenance refreshes. */
export interface MaterializedViewDeclaration {
  readonly name: string;
  /** Refresh CONCURRENTLY (needs a unique index on the view): readers are not blocked. */
  readonly concurrently: boolean;
}

/** What a seeder gets: an EntityManager inside the seeder's own transaction, and the size. */
export interface SeedContext {
  readonly em: EntityManager;
  /** `--scale`: 1 is a small demo; every count grows linearly with it. */
  readonly scale: number;
  readonly out: (line: string) => void;
}

/** What a seeder did, per kind of row: how many it created and how many were already there. */
export type SeedReport = Record<string, { created: number; existing: number }>;

/**
 * One context's sample data. It must be idempotent: it finds existing rows by a stable natural key and only
 * creates what is missing, so seeding twice changes nothing. It runs after the seeders of the contexts its
 * context depends on (composition order).
 */
export interface Seeder {
  run(ctx: SeedContext): Promise<SeedReport>;
}

/**
 * Loads a context's seeder on demand. A dynamic import keeps sample-data libraries (faker, factories) out of
 * the context's runtime entry: `seed: () => import('./seed.ts')`.
 */
export type SeederLoader = () => Promise<{ readonly seeder: Seeder }>;

/** Counts a batch of natural keys into "created" and "existing". */
export function tally(report: SeedReport, kind: string, created: number, existing: number): void {
  const entry = report[kind] ?? { created: 0, existing: 0 };
  entry.created += created;
  entry.existing += existing;
  report[kind] = entry;
}
