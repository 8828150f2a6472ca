import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ForeignKeyViolationError,
  flushOrDetach,
  newId,
  translateDbError,
  UniqueViolationError,
  uniqueSuffix,
} from '../src/index.ts';
import { Member, useKernelDatabase } from './support/database.ts';

// PostgreSQL leaves the `Key (…)=(…)` detail out of a constraint error when the table has row-level security and
// the session is subject to it, so the field has to come from the constraint name. A role of this file's own,
// subject to a permissive policy on kt.members, provokes exactly that.
const db = useKernelDatabase();
const role = `kt_writer_${uniqueSuffix()}`;
const teamId = newId();

beforeAll(async () => {
  await db.query(`create role ${role} nologin`);
  await db.query(`grant usage on schema kt to ${role}`);
  await db.query(`grant select, insert on kt.teams, kt.members to ${role}`);
  await db.query(`alter table kt.members enable row level security`);
  await db.query(`create policy members_all on kt.members using (true) with check (true)`);
  await db.query(`insert into kt.teams (id, name, kind) values ($1, 'Falcons', 'club')`, [teamId]);
  await db.query(`insert into kt.members (id, team_id, email) values ($1, $2, 'ann@example.com')`, [newId(), teamId]);
});

afterAll(async () => {
  await db.query(`drop owned by ${role}`);
  await db.query(`drop role ${role}`);
});

/** Inserts a member as the RLS-bound role and returns the raw error and the EntityManager's metadata. */
async function provoke(team: string, email: string) {
  const em = db.em();
  try {
    await em.transactional(async (tx) => {
      await tx.execute(`set local role ${role}`);
      await tx.execute(`insert into kt.members (id, team_id, email) values (?, ?, ?)`, [newId(), team, email]);
    });
  } catch (error) {
    return { error, metadata: em.getMetadata() };
  }
  throw new Error('expected the insert to fail');
}

describe('constraint errors PostgreSQL reports without the key detail', () => {
  it.each([
    ['a duplicate unique value', teamId, 'ann@example.com', UniqueViolationError, ['email']],
    ['a reference to a missing row', newId(), 'bob@example.com', ForeignKeyViolationError, ['team']],
  ] as const)(
    'names the field of %s that PostgreSQL reported without details',
    async (_what, team, email, type, fields) => {
      const { error, metadata } = await provoke(team, email);
      expect((error as { detail?: string }).detail ?? '').not.toMatch(/^Key \(/);
      const named = translateDbError(error, metadata);
      expect(named).toBeInstanceOf(type);
      expect(named).toMatchObject({ entity: 'Member', fields });
      expect((named as Error).cause).toBe(error);
    },
  );

  it('names the field of the same error with the detail, and leaves an error that is not from PostgreSQL alone', async () => {
    const em = db.em();
    const plain = await em
      .execute(`insert into kt.members (id, team_id, email) values (?, ?, 'ann@example.com')`, [newId(), teamId])
      .catch((caught: unknown) => caught);
    expect(translateDbError(plain, em.getMetadata())).toMatchObject({ entity: 'Member', fields: ['email'] });
    const other = new Error('connection reset');
    expect(translateDbError(other, em.getMetadata())).toBe(other);
  });

  it('flushOrDetach: a refused flush names the field and detaches the entity, so the next flush succeeds', async () => {
    const em = db.em();
    await em.transactional(async (tx) => {
      await tx.execute(`set local role ${role}`);
      const duplicate = tx.create(Member, { team: teamId, email: 'ann@example.com' });
      await expect(flushOrDetach(tx, [duplicate])).rejects.toMatchObject({
        constructor: UniqueViolationError,
        entity: 'Member',
        fields: ['email'],
      });
    });
    const next = db.em();
    next.create(Member, { team: teamId, email: 'cy@example.com' });
    await flushOrDetach(next, []);
    expect((await db.query(`select email from kt.members order by email`)).map((r) => r.email)).toEqual([
      'ann@example.com',
      'cy@example.com',
    ]);
  });
});
