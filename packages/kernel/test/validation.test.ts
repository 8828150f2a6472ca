import { beforeAll, describe, expect, it } from 'vitest';
import {
  BatchValidationError,
  CheckViolationError,
  type EntityFieldError,
  NotNullViolationError,
  newId,
  propertyProblem,
  ValidationError,
  validateEntity,
  validateId,
  validateRows,
} from '../src/index.ts';
import { Member, Team, useKernelDatabase } from './support/database.ts';

const db = useKernelDatabase();
// biome-ignore lint/suspicious/noExplicitAny: metadata of the test entities
let teamMeta: any;
// biome-ignore lint/suspicious/noExplicitAny: metadata of the test entities
let memberMeta: any;
beforeAll(() => {
  teamMeta = db.orm.getMetadata().get(Team);
  memberMeta = db.orm.getMetadata().get(Member);
});

const team = (fields: Record<string, unknown> = {}) => ({ name: 'Falcons', kind: 'club', ...fields });
const member = (fields: Record<string, unknown> = {}) => ({ team: newId(), email: 'ann@example.com', ...fields });

/** The error validateEntity throws, or undefined. */
function problemOf(meta: unknown, row: Record<string, unknown>, changed?: Set<string>): EntityFieldError | undefined {
  try {
    // biome-ignore lint/suspicious/noExplicitAny: metadata of the test entities
    validateEntity(meta as any, row, changed);
  } catch (error) {
    return error as EntityFieldError;
  }
  return undefined;
}

describe('validateEntity', () => {
  // [what, entity, row, typed error, field, message]
  const bad = [
    ['a required field is missing', 'Team', team({ name: undefined }), NotNullViolationError, 'name', 'is required'],
    ['a required field is null', 'Team', team({ kind: null }), NotNullViolationError, 'kind', 'is required'],
    [
      'a string longer than its column',
      'Team',
      team({ name: 'x'.repeat(21) }),
      ValidationError,
      'name',
      'must be at most 20 characters (got 21)',
    ],
    [
      'a value outside the enum',
      'Team',
      team({ kind: 'guild' }),
      ValidationError,
      'kind',
      'must be one of club, school (got guild)',
    ],
    ['a NUL byte in text', 'Team', team({ name: 'a\0b' }), ValidationError, 'name', /NUL byte/],
    ['a number out of the column range', 'Team', team({ size: 40_000 }), ValidationError, 'size', /out of range/],
    ['an impossible date', 'Team', team({ founded: '2024-02-30' }), ValidationError, 'founded', /calendar date/],
    ['a failed check', 'Team', team({ size: 99 }), CheckViolationError, 'size', 'must be from 1 to 50'],
    ['a blank value a check refuses', 'Team', team({ motto: '  ' }), CheckViolationError, 'motto', /must not be blank/],
    [
      'a missing value a testNull check refuses',
      'Team',
      team({ kind: 'school' }),
      CheckViolationError,
      'motto',
      /a school needs one/,
    ],
    [
      'a reference that is not a UUID',
      'Member',
      member({ team: 'abc' }),
      ValidationError,
      'team',
      'must reference a Team by its UUID (got "abc")',
    ],
    [
      'a reference object whose key is not a UUID',
      'Member',
      member({ team: { id: '42' } }),
      ValidationError,
      'team',
      /by its UUID \(got "42"\)/,
    ],
    ['a fractional integer', 'Member', member({ score: 1.5 }), ValidationError, 'score', /whole number/],
    ['an invalid IP address', 'Member', member({ address: '999.1.1.1' }), ValidationError, 'address', /IPv4 or IPv6/],
  ] as const;

  it.each(bad)('refuses %s', (_what, entity, row, type, field, message) => {
    const error = problemOf(entity === 'Team' ? teamMeta : memberMeta, row);
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ entity, field });
    expect(error?.message.slice(error.message.indexOf(': ') + 2)).toMatch(message);
  });

  const good = [
    ['the smallest valid row (defaults and the key left to the database and the ORM)', 'Team', team()],
    ['every optional field set', 'Team', team({ size: 50, motto: 'Fly', founded: '2024-02-29', kind: 'school' })],
    ['a reference given as an entity with a UUID key', 'Member', member({ team: { id: newId() } })],
    ['an IPv6 network and a negative integer', 'Member', member({ address: '2001:db8::/32', score: -3 })],
  ] as const;

  it.each(good)('accepts %s', (_what, entity, row) => {
    expect(problemOf(entity === 'Team' ? teamMeta : memberMeta, row)).toBeUndefined();
  });

  it('with a set of changed fields, checks only those (an update of one column)', () => {
    expect(problemOf(teamMeta, { size: 10 }, new Set(['size']))).toBeUndefined();
    expect(problemOf(teamMeta, { size: 99 }, new Set(['size']))).toBeInstanceOf(CheckViolationError);
    expect(problemOf(teamMeta, { size: 99, name: 'x' }, new Set(['name']))).toBeUndefined();
  });
});

describe('propertyProblem and validateId', () => {
  it('propertyProblem leaves missing values and collections to others', () => {
    const prop = (name: string) => teamMeta.props.find((p: { name: string }) => p.name === name);
    expect(propertyProblem(prop('name'), null)).toBeUndefined();
    expect(propertyProblem(prop('size'), 'ten')).toMatch(/number/);
  });

  it.each([
    ['not-a-uuid', 'must be a UUID (got "not-a-uuid")'],
    ['a\0b', 'must be a UUID (got "a\\\\0b")'],
    [42, 'must be a UUID (got number)'],
    [undefined, 'must be a UUID (got undefined)'],
  ])('validateId refuses %o', (value, message) => {
    expect(() => validateId('Team', 'teamId', value)).toThrow(new ValidationError('Team', 'teamId', message));
  });

  it('validateId returns a valid UUID', () => {
    const id = newId();
    expect(validateId('Team', 'teamId', id)).toBe(id);
  });
});

describe('validateRows', () => {
  const rows = [team(), team({ size: 0 }), team({ name: 'Owls' }), team({ kind: 'guild' })];

  it('all-or-nothing: one error lists every bad row by index, and names the first', () => {
    let error: unknown;
    try {
      validateRows(teamMeta, rows);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BatchValidationError);
    expect(error).toBeInstanceOf(ValidationError);
    const batch = error as BatchValidationError;
    expect(batch.rows.map((r) => [r.row, r.error.constructor, r.error.field])).toEqual([
      [1, CheckViolationError, 'size'],
      [3, ValidationError, 'kind'],
    ]);
    expect(batch).toMatchObject({ entity: 'Team', field: 'size' });
    expect(batch.message).toBe('Team.size: row 1: must be from 1 to 50 (and 1 more bad rows); nothing was written');
  });

  it('good-rows: returns the bad rows so the caller writes the others', () => {
    const failures = validateRows(teamMeta, rows, 'good-rows');
    expect(failures.map((f) => f.row)).toEqual([1, 3]);
    expect(validateRows(teamMeta, [team(), team({ name: 'Owls' })])).toEqual([]);
  });

  it('only checks the changed fields when told which', () => {
    expect(validateRows(teamMeta, [{ size: 3 }, { size: 4 }], 'all-or-nothing', new Set(['size']))).toEqual([]);
  });

  it('lets an error that is not about the input escape as it is', () => {
    const broken = {
      ...teamMeta,
      props: [
        {
          ...teamMeta.props[0],
          get kind(): never {
            throw new RangeError('boom');
          },
        },
      ],
    };
    expect(() => validateRows(broken, [team()])).toThrow(RangeError);
  });
});

describe('validation at flush time', () => {
  it('a flush with one bad entity writes nothing, and names the entity and field', async () => {
    const em = db.em();
    em.create(Team, { name: 'Ravens', kind: 'club' });
    const bad = em.create(Team, { name: 'Crows', kind: 'club' });
    bad.size = 77;
    await expect(em.flush()).rejects.toMatchObject({ constructor: CheckViolationError, entity: 'Team', field: 'size' });
    expect(await db.query(`select name from kt.teams where name in ('Ravens', 'Crows')`)).toEqual([]);
  });

  it('an update is checked on the changed fields only, and a refused update leaves the row as it was', async () => {
    const em = db.em();
    const row = em.create(Team, { name: 'Herons', kind: 'club', size: 4 });
    await em.flush();
    row.motto = 'Patience';
    await em.flush();
    row.size = 0;
    await expect(em.flush()).rejects.toMatchObject({ constructor: CheckViolationError, field: 'size' });
    expect(await db.query(`select size, motto from kt.teams where name = 'Herons'`)).toEqual([
      { size: 4, motto: 'Patience' },
    ]);
  });

  it('native inserts and updates validate the fields they are given before any SQL', async () => {
    const em = db.em();
    // The check runs before the call builds its query, so the error is thrown at the call itself.
    await expect(async () =>
      em.insert(Team, { id: newId(), name: 'Storks', kind: 'guild' as 'club' }),
    ).rejects.toMatchObject({
      constructor: ValidationError,
      field: 'kind',
    });
    await expect(async () => em.nativeUpdate(Team, { name: 'Herons' }, { size: 51 })).rejects.toBeInstanceOf(
      CheckViolationError,
    );
    await expect(async () =>
      em.insertMany(Team, [
        { id: newId(), name: 'Swans', kind: 'club' },
        { id: newId(), name: 'x'.repeat(30), kind: 'club' },
      ]),
    ).rejects.toMatchObject({ constructor: ValidationError, field: 'name' });
    expect(await db.query(`select name, size from kt.teams where name in ('Storks', 'Swans', 'Herons')`)).toEqual([
      { name: 'Herons', size: 4 },
    ]);
  });

  it('a JSON value that cannot be stored is refused with the entity and field, and a good one round-trips', async () => {
    const teamId = newId();
    await db.query(`insert into kt.teams (id, name, kind) values ($1, 'Jays', 'club')`, [teamId]);
    const em = db.em();
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    // create() refuses it at once; a value set afterwards is caught when the flush serializes it.
    expect(() => em.create(Member, { team: teamId, email: 'loop@example.com', notes: loop })).toThrow(ValidationError);
    const bad = em.create(Member, { team: teamId, email: 'loop@example.com' });
    bad.notes = loop;
    await expect(em.flush()).rejects.toMatchObject({ constructor: ValidationError, entity: 'Member', field: 'notes' });
    em.getUnitOfWork().unsetIdentity(bad);
    const good = em.create(Member, { team: teamId, email: 'ok@example.com', notes: { tags: ['a'] } });
    await em.flush();
    const created = good.updatedAt;
    good.score = 5;
    await em.flush();
    expect(good.updatedAt.getTime()).toBeGreaterThanOrEqual(created.getTime());
    expect(await db.query(`select email, notes, score from kt.members where team_id = $1`, [teamId])).toEqual([
      { email: 'ok@example.com', notes: { tags: ['a'] }, score: 5 },
    ]);
  });
});
