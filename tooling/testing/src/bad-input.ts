import type { EntityManager } from '@mikro-orm/postgresql';
import { expect, it } from 'vitest';
import type { TestDatabase } from './index.ts';

/** One bad input: what to call, and the typed error (class, entity, field) it must give. */
export interface BadInputCase {
  /** What is wrong, as the test name says it. */
  readonly name: string;
  /** Makes the call with the bad input, on a fresh EntityManager. */
  readonly run: (em: EntityManager) => Promise<unknown>;
  readonly error: abstract new (...args: never[]) => Error;
  readonly entity?: string;
  /** The field the error names (`error.field`). */
  readonly field?: string;
  /** Optional extra assertion on the error (e.g. the row a batch error names). */
  readonly check?: (error: Error) => void;
  /** Tables (`schema.table`) the call records its own failure in by design (a sync status), left out of the comparison. */
  readonly failureRecordedIn?: readonly string[];
}

/**
 * A checksum of every row of every table in the schemas: row count and an md5 of the rows as text, per table.
 * Equal before and after a refused call means the call wrote nothing.
 */
export async function tableChecksums(db: TestDatabase, schemas: readonly string[]): Promise<Record<string, string>> {
  const tables = await db.query<{ name: string }>(
    `select format('%I.%I', n.nspname, c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = any($1) and c.relkind in ('r', 'p') and not c.relispartition order by 1`,
    [[...schemas]],
  );
  const sums: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await db.query<{ n: number; sum: string }>(
      `select count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as sum from ${name} t`,
    );
    sums[name] = `${row?.n}:${row?.sum}`;
  }
  return sums;
}

/**
 * The check {@link itRefusesBadInput} runs for one case: the call rejects with the expected typed error naming the
 * entity and field, and every table of the given schemas is unchanged. Rejects (an assertion error) when it does not.
 */
export async function checkRefusesBadInput(
  db: TestDatabase,
  schemas: readonly string[],
  c: BadInputCase,
): Promise<void> {
  const before = await tableChecksums(db, schemas);
  const error = await c.run(db.em()).then(
    () => new Error('the call succeeded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(c.error);
  if (c.entity !== undefined) expect(error).toMatchObject({ entity: c.entity });
  if (c.field !== undefined) expect((error as { field?: string }).field).toBe(c.field);
  c.check?.(error as Error);
  const after = await tableChecksums(db, schemas);
  for (const table of c.failureRecordedIn ?? []) {
    delete before[table];
    delete after[table];
  }
  expect(after).toEqual(before);
}

/**
 * Declares one test per case: the call rejects with the expected typed error naming the entity and field,
 * and every table of the given schemas is unchanged (row counts and contents).
 */
export function itRefusesBadInput(db: TestDatabase, schemas: readonly string[], cases: readonly BadInputCase[]): void {
  for (const c of cases) {
    it(`${c.name}: ${c.error.name}${c.field ? ` on ${c.entity ?? ''}.${c.field}` : ''}, nothing written`, () =>
      checkRefusesBadInput(db, schemas, c));
  }
}
