import { NotFoundError } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { identity } from '../src/context.ts';
import { UserRepository } from '../src/index.ts';
import { roleFactory, tokenFactory, userFactory } from '../src/testing.ts';

const db = useTestDatabase(identity);

describe('updated_at triggers', () => {
  // `now()` is the statement's transaction time: equal to it means the trigger set updated_at in this UPDATE.
  it.each([
    ['users', async () => (await userFactory(db.em())).id, 'full_name = $2'],
    ['roles', async () => (await roleFactory(db.em())).id, 'description = $2'],
    ['tokens', async () => (await tokenFactory(db.em())).record.id, 'name = $2'],
  ])('keep %s.updated_at fresh for a raw SQL UPDATE', async (table, create, assignment) => {
    const id = await create();
    const [before] = await db.query<{ updated_at: Date }>(`select updated_at from identity.${table} where id = $1`, [
      id,
    ]);
    const [after] = await db.query<{ updated_at: Date; fresh: boolean }>(
      `update identity.${table} set ${assignment} where id = $1 returning updated_at, updated_at = now() as fresh`,
      [id, 'changed outside the ORM'],
    );
    expect(after?.fresh).toBe(true);
    expect(after?.updated_at.getTime()).not.toBe(before?.updated_at.getTime());
  });
});

describe('cascades', () => {
  const countFor = async (userId: string) => {
    const [row] = await db.query<{ tokens: number; grants: number }>(
      `select (select count(*)::int from identity.tokens where user_id = $1) as tokens,
              (select count(*)::int from identity.user_roles where user_id = $1) as grants`,
      [userId],
    );
    return row;
  };

  const userWithTokensAndRoles = async () => {
    const em = db.em();
    const user = await userFactory(em);
    await tokenFactory(em, { user });
    await tokenFactory(em, { user, kind: 'refresh' });
    const role = await roleFactory(em);
    await new UserRepository(em).assignRoles(user.id, [role.name]);
    expect(await countFor(user.id)).toEqual({ tokens: 2, grants: 1 });
    return { user, role, em };
  };

  it('deleting a user through the repository removes its tokens and role grants', async () => {
    const { user, em } = await userWithTokensAndRoles();
    const users = new UserRepository(em);
    expect(await users.delete(user.id)).toBe(true);
    expect(await countFor(user.id)).toEqual({ tokens: 0, grants: 0 });
    // The EntityManager that cached the user and its tokens forgets them, and flushes without resurrecting them.
    await expect(users.getById(user.id)).rejects.toThrow(NotFoundError);
    await userFactory(em);
    expect(await db.query('select 1 from identity.users where id = $1', [user.id])).toHaveLength(0);
  });

  it('deleting a user with raw SQL removes its tokens and role grants too', async () => {
    const { user } = await userWithTokensAndRoles();
    await db.query('delete from identity.users where id = $1', [user.id]);
    expect(await countFor(user.id)).toEqual({ tokens: 0, grants: 0 });
  });

  it('deleting a role removes its grants but not the users', async () => {
    const { user, role } = await userWithTokensAndRoles();
    await db.query('delete from identity.roles where id = $1', [role.id]);
    expect(await countFor(user.id)).toEqual({ tokens: 2, grants: 0 });
    expect(await new UserRepository(db.em()).rolesOf(user.id)).toEqual([]);
  });
});
