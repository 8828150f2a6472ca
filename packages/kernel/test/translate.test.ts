import { defineEntity, ValidationError as OrmValidationError, p } from '@mikro-orm/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CheckViolationError,
  ForeignKeyViolationError,
  flushOrDetach,
  NotNullViolationError,
  newId,
  TesseraError,
  translated,
  UniqueViolationError,
  ValidationError,
} from '../src/index.ts';
import { translateDbError } from '../src/translate.ts';
import { Member, Team, useKernelDatabase } from './support/database.ts';

const Ticket = defineEntity({
  name: 'Ticket',
  tableName: 'tickets',
  properties: { id: p.integer().primary(), kind: p.enum(['bug', 'feature']), seats: p.integer() },
});
// Metadata only: the ORM is never connected.
const orm = new MikroORM({ clientUrl: 'postgresql://metadata.invalid/none', entities: [Ticket] });

describe("translateDbError on MikroORM's own type checks", () => {
  it('turns a wrong enum value into a ValidationError naming the entity, the field and the allowed values', () => {
    const error = orm.em.fork().create(Ticket, { id: 1, kind: 'bug', seats: 1 });
    const ormError = OrmValidationError.fromWrongPropertyType(error, 'kind', 'string', 'string', 'chore');
    const typed = translateDbError(ormError, orm.getMetadata());
    expect(typed).toBeInstanceOf(ValidationError);
    expect(typed).toMatchObject({ entity: 'Ticket', field: 'kind', code: 'INVALID_INPUT' });
    expect((typed as Error).message).toBe("Ticket.kind: must be one of bug, feature (got 'chore')");
  });

  it('names the expected type for a wrong scalar', () => {
    const entity = orm.em.fork().create(Ticket, { id: 2, kind: 'bug', seats: 1 });
    const ormError = OrmValidationError.fromWrongPropertyType(entity, 'seats', 'number', 'string', 'two');
    expect((translateDbError(ormError, orm.getMetadata()) as Error).message).toBe(
      "Ticket.seats: must be of type number (got 'two')",
    );
  });

  it('leaves other errors alone', () => {
    const other = new Error('connection refused');
    expect(translateDbError(other, orm.getMetadata())).toBe(other);
  });
});

describe('translateDbError on real PostgreSQL errors', () => {
  const db = useKernelDatabase();
  const teamId = newId();

  beforeAll(async () => {
    await db.query(`insert into kt.teams (id, name, kind, size) values ($1, 'Falcons', 'club', 5)`, [teamId]);
    await db.query(`insert into kt.members (id, team_id, email) values ($1, $2, 'ann@example.com')`, [newId(), teamId]);
  });

  /** Runs SQL through the ORM (as a repository does) and returns what translateDbError makes of its failure. */
  async function provoke(sql: string, params: unknown[] = []): Promise<unknown> {
    const em = db.em();
    try {
      await em.execute(sql, params);
    } catch (error) {
      return translateDbError(error, em.getMetadata());
    }
    throw new Error(`expected ${sql} to fail`);
  }

  // [SQLSTATE, what, SQL, params, typed error, entity, fields, message]
  const cases = [
    [
      '23505',
      'a duplicate unique value',
      `insert into kt.teams (id, name, kind) values (?, 'Falcons', 'club')`,
      [newId()],
      UniqueViolationError,
      'Team',
      ['name'],
      'Team.name: a row with this value already exists',
    ],
    [
      '23503',
      'a reference to a row that does not exist',
      `insert into kt.members (id, team_id, email) values (?, ?, 'bob@example.com')`,
      [newId(), newId()],
      ForeignKeyViolationError,
      'Member',
      ['team'],
      'Member.team: references a Team that does not exist',
    ],
    [
      '23503/23001',
      'deleting a row that is still referenced (ON DELETE RESTRICT)',
      `delete from kt.teams where id = ?`,
      [teamId],
      ForeignKeyViolationError,
      'Team',
      ['id'],
      'Team.id: is still referenced by Member (fk_members_team_id)',
    ],
    [
      '23514',
      'a CHECK the application knows',
      `update kt.teams set size = 99 where id = ?`,
      [teamId],
      CheckViolationError,
      'Team',
      ['size'],
      'Team.size: must be from 1 to 50',
    ],
    [
      '23514',
      'a CHECK only the database knows',
      `update kt.teams set kind = 'guild' where id = ?`,
      [teamId],
      CheckViolationError,
      'Team',
      [],
      'Team: violates check ck_teams_kind',
    ],
    [
      '23502',
      'a missing required value',
      `insert into kt.teams (id, name, kind) values (?, null, 'club')`,
      [newId()],
      NotNullViolationError,
      'Team',
      ['name'],
      'Team.name: is required',
    ],
  ] as const;

  it.each(cases)('%s: %s', async (_code, _what, sql, params, type, entity, fields, message) => {
    const error = await provoke(sql, [...params]);
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ entity, fields });
    expect((error as Error).message).toBe(message);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  // PostgreSQL reports data errors without the table or column, so the translator can name neither; the
  // message is PostgreSQL's own, and the typed error still tells a caller it was their input.
  const dataCases = [
    ['22001', `update kt.teams set name = ? where id = ?`, ['x'.repeat(21), teamId], /too long/],
    ['22003', `update kt.teams set size = ? where id = ?`, [40_000, teamId], /smallint out of range/],
    ['22007', `update kt.teams set founded = ? where id = ?`, ['not a date', teamId], /invalid input syntax/],
    ['22008', `update kt.teams set founded = ? where id = ?`, ['2024-02-30', teamId], /out of range/],
    ['22P02', `update kt.members set address = ? where team_id = ?`, ['not-an-ip', teamId], /invalid input syntax/],
    ['22023', `select generate_series(1, 3, 0)`, [], /step size cannot equal zero/],
  ] as const;

  it.each(dataCases)('%s: bad input becomes a ValidationError', async (code, sql, params, message) => {
    const error = await provoke(sql, [...params]);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', entity: 'unknown entity', field: 'value' });
    expect((error as Error).message).toMatch(message);
    expect((error as Error & { cause: { sqlState?: string; code?: string } }).cause).toMatchObject({ code });
  });

  it('returns other database errors, typed errors and non-errors unchanged', async () => {
    const error = await provoke('select * from kt.no_such_table');
    expect(error).not.toBeInstanceOf(TesseraError);
    expect(error).toMatchObject({ code: '42P01' });
    const typed = new NotNullViolationError('Team', 'name');
    expect(translateDbError(typed, db.orm.getMetadata())).toBe(typed);
    expect(translateDbError('text', db.orm.getMetadata())).toBe('text');
  });

  it('flushOrDetach translates a failed flush and detaches the rejected entity, so the next flush succeeds', async () => {
    const em = db.em();
    const clash = em.create(Team, { name: 'Falcons', kind: 'club' });
    await expect(flushOrDetach(em, [clash])).rejects.toMatchObject({
      constructor: UniqueViolationError,
      entity: 'Team',
      fields: ['name'],
    });
    em.create(Team, { name: 'Owls', kind: 'school', motto: 'Wise' });
    await flushOrDetach(em, []);
    const rows = await db.query(`select name from kt.teams order by name`);
    expect(rows.map((r) => r.name)).toEqual(['Falcons', 'Owls']);
  });

  it('translated() turns a failing write into the typed error', async () => {
    const em = db.em();
    await expect(
      translated(em, () => em.insert(Member, { id: newId(), team: newId(), email: 'eve@example.com' })),
    ).rejects.toMatchObject({ constructor: ForeignKeyViolationError, entity: 'Member', fields: ['team'] });
    expect(await db.query(`select email from kt.members where email = 'eve@example.com'`)).toEqual([]);
  });
});
