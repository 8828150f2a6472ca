import { describe, expect, it } from 'vitest';
import { CheckViolationError, checksOf, defineChecks, translateDbError } from '../src/index.ts';
import { Team, teamChecks, useKernelDatabase } from './support/database.ts';

describe('defineChecks and checksOf', () => {
  it('returns the CHECKs in the shape defineEntity takes, named ck_<table>_<name>', () => {
    expect(teamChecks).toEqual([
      { name: 'ck_teams_size_range', expression: 'size between 1 and 50', property: 'size' },
      { name: 'ck_teams_motto_not_blank', expression: "motto is null or trim(motto) <> ''", property: 'motto' },
    ]);
  });

  it('registers the application side under the schema-qualified table', () => {
    expect(checksOf('kt', 'teams').map((c) => [c.constraint, c.property, c.message, c.testNull ?? false])).toEqual([
      ['ck_teams_size_range', 'size', 'must be from 1 to 50', false],
      ['ck_teams_motto_not_blank', 'motto', 'must not be blank (and a school needs one)', true],
    ]);
    expect(checksOf('kt', 'no_such_table')).toEqual([]);
  });

  // [value, passes]: the predicate is the application twin of the SQL expression.
  it.each([
    [1, true],
    [50, true],
    [0, false],
    [51, false],
  ])('size %d passes the application check: %s', (size, passes) => {
    const [sizeCheck] = checksOf('kt', 'teams');
    expect(sizeCheck?.test(size, { size })).toBe(passes);
  });

  it('a second registration for the same table replaces the first', () => {
    defineChecks('Scratch', 'kt.scratch', [
      { name: 'a', property: 'x', expression: 'x > 0', test: (v: number) => v > 0, message: 'must be positive' },
    ]);
    const replaced = defineChecks('Scratch', 'kt.scratch', [
      { name: 'b', property: 'y', expression: 'y > 0', test: (v: number) => v > 0, message: 'must be positive' },
    ]);
    expect(replaced.map((c) => c.name)).toEqual(['ck_scratch_b']);
    expect(checksOf('kt', 'scratch').map((c) => c.constraint)).toEqual(['ck_scratch_b']);
  });
});

describe('the two sides of a check agree', () => {
  const db = useKernelDatabase();

  it('the entity metadata carries the CHECKs the migration must create (next to the enum CHECK of its own)', async () => {
    const meta = db.orm.getMetadata().get(Team);
    expect(meta.checks.map((c) => [c.name, c.expression, c.property])).toEqual(
      expect.arrayContaining(teamChecks.map((c) => [c.name, c.expression, c.property])),
    );
  });

  it('a write that skips the application check is refused by the database with the same field and message', async () => {
    const em = db.em();
    let error: unknown;
    try {
      await em.execute(`insert into kt.teams (id, name, kind, size) values (gen_random_uuid(), 'Kites', 'club', 0)`);
    } catch (caught) {
      error = translateDbError(caught, em.getMetadata());
    }
    expect(error).toBeInstanceOf(CheckViolationError);
    expect(error).toMatchObject({ entity: 'Team', field: 'size', constraint: 'ck_teams_size_range' });
    expect((error as Error).message).toBe('Team.size: must be from 1 to 50');
    expect(await db.query(`select count(*)::int as n from kt.teams`)).toEqual([{ n: 0 }]);
  });
});
