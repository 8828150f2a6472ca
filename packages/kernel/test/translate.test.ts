import { beforeAll, describe, expect, it } from 'vitest';
import {
  CheckViolationError,
  ForeignKeyViolationError,
  flushOrDetach,
  NotNullViolationError,
  newId,
  pgErrorOf,
  sql,
  sqlBatch,
  TesseraError,
  translated,
  UniqueViolationError,
  ValidationError,
} from '../src/index.ts';
import { translateDbError } from '../src/translate.ts';
import { Member, Team, useKernelDatabase } from './support/database.ts';

describe('translateDbError on real PostgreSQL errors', () => {
  const db = useKernelDatabase();
  const teamId = newId();

  beforeAll(async () => {
    await db.query(`insert into kt.teams (id, name, kind, size) values ($1, 'Falcons', 'club', 5)`, [teamId]);
    await db.query(`insert into kt.members (id, team_id, email) values ($1, $2, 'ann@example.com')`, [newId(), teamId]);
  });

  /** Runs SQL through the ORM (as a repository does) and returns what translateDbError makes of its failure. */
  async function provoke(text: string, params: unknown[] = []): Promise<unknown> {
    const em = db.em();
    try {
      await em.execute(text, params);
    } catch (error) {
      return translateDbError(error, em.getMetadata());
    }
    throw new Error(`expected ${text} to fail`);
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

  // PostgreSQL reports a data error (SQLSTATE class 22) without the table or column: the kernel SQL path names the
  // entity the statement writes, and the message says what is wrong, then PostgreSQL's own words.
  const dataCases = [
    [
      '22001',
      Team,
      `update kt.teams set name = $1 where id = $2`,
      ['x'.repeat(21), teamId],
      /^Team\.value: is too long for its column \(.*too long/,
    ],
    [
      '22003',
      Team,
      `update kt.teams set size = $1 where id = $2`,
      [40_000, teamId],
      /^Team\.value: is out of range .*out of range for type smallint/,
    ],
    [
      '22007',
      Team,
      `update kt.teams set founded = $1 where id = $2`,
      ['not a date', teamId],
      /^Team\.value: is not a valid date .*invalid input syntax/,
    ],
    [
      '22008',
      Team,
      `update kt.teams set founded = $1 where id = $2`,
      ['2024-02-30', teamId],
      /^Team\.value: is not a valid date .*out of range/,
    ],
    [
      '22P02',
      Member,
      `update kt.members set address = $1 where team_id = $2`,
      ['not-an-ip', teamId],
      /^Member\.value: is not valid input .*invalid input syntax/,
    ],
    [
      '22023',
      Team,
      `select generate_series(1, 3, 0)`,
      [],
      /^Team\.value: is not a value the database accepts .*step size cannot equal zero/,
    ],
  ] as const;

  it.each(dataCases)(
    '%s: bad input becomes a ValidationError naming the entity written',
    async (code, entity, text, values, message) => {
      const em = db.em();
      const error = await sql(em, { text, values: [...values], entity }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: 'INVALID_INPUT', entity: entity.meta.className, field: 'value' });
      expect((error as Error).message).toMatch(message);
      expect((error as Error & { cause: unknown }).cause).toMatchObject({ code });
    },
  );

  it('a data error from a native write names the entity translated() is told about, and no entity without it', async () => {
    const em = db.em();
    await expect(
      translated(em, () => em.execute(`update kt.teams set founded = '2024-02-30' where id = ?`, [teamId]), {
        entity: Team,
      }),
    ).rejects.toMatchObject({ constructor: ValidationError, entity: 'Team', field: 'value' });
    const raw = await em
      .execute(`update kt.teams set founded = '2024-02-30' where id = ?`, [teamId])
      .catch((e: unknown) => e);
    // Without a hint, nothing tells which entity the statement wrote.
    expect(translateDbError(raw, em.getMetadata())).toMatchObject({ entity: 'unknown entity', field: 'value' });
  });

  it('finds the PostgreSQL error in a cause chain, by its fields, whatever wraps it', async () => {
    const raw = await db
      .em()
      .execute(`insert into kt.teams (id, name, kind) values (?, 'Falcons', 'club')`, [newId()])
      .catch((e: unknown) => e);
    const wrapped = new Error('the import failed', { cause: new Error('row 3', { cause: raw }) });
    expect(pgErrorOf(wrapped)).toMatchObject({
      code: '23505',
      schema: 'kt',
      table: 'teams',
      constraint: 'uq_teams_name',
    });
    expect(translateDbError(wrapped, db.orm.getMetadata())).toMatchObject({
      constructor: UniqueViolationError,
      entity: 'Team',
      fields: ['name'],
      constraint: 'uq_teams_name',
    });
    // An error that only looks like one in its text is not translated.
    const lookalike = new Error('duplicate key value violates unique constraint "uq_teams_name"');
    expect(translateDbError(lookalike, db.orm.getMetadata())).toBe(lookalike);
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

  describe('a foreign key violation in either direction, told by the statement, never by the message', () => {
    const missing = 'Member.team: references a Team that does not exist';
    const stillReferenced = 'Team.id: is still referenced by Member (fk_members_team_id)';
    const messageOf = (error: unknown) => (error as Error).message;

    it('through the ORM: an UPDATE of the reference, and an UPDATE of the key it references', async () => {
      expect(messageOf(await provoke('update kt.members set team_id = ? where team_id = ?', [newId(), teamId]))).toBe(
        missing,
      );
      expect(messageOf(await provoke('update kt.teams set id = ? where id = ?', [newId(), teamId]))).toBe(
        stillReferenced,
      );
    });

    it('through a flush: a removed row still referenced, a new row referencing nothing', async () => {
      const em = db.em();
      em.remove(await em.findOneOrFail(Team, { id: teamId }));
      expect(messageOf(await flushOrDetach(em, []).catch((e: unknown) => e))).toBe(stillReferenced);
      const orphan = db.em();
      orphan.create(Member, { team: newId(), email: 'orphan@example.com' });
      expect(messageOf(await flushOrDetach(orphan, []).catch((e: unknown) => e))).toBe(missing);
    });

    it('in a batch: the statement that failed, not the first one', async () => {
      const em = db.em();
      const read = { text: 'select id from kt.teams where id = $1', values: [teamId] };
      const remove = { text: 'delete from "kt"."teams" where id = $1', values: [teamId] };
      expect(messageOf(await sqlBatch(em, [read, remove]).catch((e: unknown) => e))).toBe(stillReferenced);
      const insert = {
        text: `insert into kt.members (id, team_id, email) values ($1, $2, 'orphan@example.com')`,
        values: [newId(), newId()],
      };
      expect(messageOf(await sqlBatch(em, [read, insert]).catch((e: unknown) => e))).toBe(missing);
      expect(await db.query(`select 1 from kt.teams where id = $1`, [teamId])).toHaveLength(1);
    });

    it('whatever language the server words its message in', async () => {
      const em = db.em();
      const deleting = await em.execute('delete from kt.teams where id = ?', [teamId]).catch((e: unknown) => e);
      const inserting = await em
        .execute(`insert into kt.members (id, team_id, email) values (?, ?, 'orphan@example.com')`, [newId(), newId()])
        .catch((e: unknown) => e);
      // As a server with lc_messages in another language (or in a future wording) might say them.
      (deleting as Error).message = 'FEHLER: Aktualisieren oder Löschen in Tabelle »teams« verletzt Fremdschlüssel';
      (inserting as Error).message = 'update or delete on table "teams" violates foreign key constraint';
      expect(messageOf(translateDbError(deleting, em.getMetadata()))).toBe(stillReferenced);
      expect(messageOf(translateDbError(inserting, em.getMetadata()))).toBe(missing);
    });
  });
});
