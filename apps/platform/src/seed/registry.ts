import type { EntityManager } from '@mikro-orm/postgresql';

/** What a context's seeder gets: an EntityManager inside the seeder's own transaction, and the size. */
export interface SeedContext {
  readonly em: EntityManager;
  /** `--scale`: 1 is a small demo; every count grows linearly with it. */
  readonly scale: number;
  readonly out: (line: string) => void;
}

/** What a seeder did, per kind of row: how many it created and how many were already there. */
export type SeedReport = Record<string, { created: number; existing: number }>;

/**
 * One context's sample data. It must be idempotent: it finds existing rows by a stable natural key (an
 * e-mail, a path, a session id) and only creates what is missing, so running `tessera seed` twice changes
 * nothing. Build rows with the context's own factories.
 */
export interface Seeder {
  /** The context whose tables it fills; it runs only when that context is composed and migrated. */
  readonly context: string;
  /** Seeders of contexts it reads rows from (e.g. users from identity); they run first. */
  readonly after?: readonly string[];
  run(ctx: SeedContext): Promise<SeedReport>;
}

/** Orders seeders so each runs after those it lists in `after` (stable otherwise); fails on a cycle. */
export function orderSeeders(seeders: readonly Seeder[]): Seeder[] {
  const byContext = new Map(seeders.map((s) => [s.context, s]));
  const ordered: Seeder[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (s: Seeder) => {
    if (state.get(s.context) === 'done') return;
    if (state.get(s.context) === 'visiting') throw new Error(`seeders depend on each other in a cycle at ${s.context}`);
    state.set(s.context, 'visiting');
    for (const dep of s.after ?? []) {
      const d = byContext.get(dep);
      if (d) visit(d);
    }
    state.set(s.context, 'done');
    ordered.push(s);
  };
  for (const s of seeders) visit(s);
  return ordered;
}

/** Counts a batch of natural keys into "created" and "existing". */
export function tally(report: SeedReport, kind: string, created: number, existing: number): void {
  const entry = report[kind] ?? { created: 0, existing: 0 };
  entry.created += created;
  entry.existing += existing;
  report[kind] = entry;
}
