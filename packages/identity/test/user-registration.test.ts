import { NotFoundError, uniqueSuffix, ValidationError } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { identity } from '../src/context.ts';
import { User, UserRepository } from '../src/index.ts';
import { userFactory } from '../src/testing.ts';

const db = useTestDatabase(identity);

describe('UserRepository.register and lookups', () => {
  it('stores the e-mail trimmed and lower-cased and the username trimmed', async () => {
    const n = uniqueSuffix();
    const user = await new UserRepository(db.em()).register({
      email: `  Ada.${n}@Example.COM `,
      username: `  ada${n} `,
    });

    const [row] = await db.query('select email, username, access_level, is_active from identity.users where id = $1', [
      user.id,
    ]);
    expect(row).toEqual({ email: `ada.${n}@example.com`, username: `ada${n}`, access_level: 1, is_active: true });
  });

  it('finds a user by e-mail in any case, and by username', async () => {
    const n = uniqueSuffix();
    const { id } = await new UserRepository(db.em()).register({
      email: `grace${n}@example.com`,
      username: `grace${n}`,
    });
    const users = new UserRepository(db.em());

    expect((await users.findByEmail(` GRACE${n}@example.com`))?.id).toBe(id);
    expect((await users.findByUsername(`grace${n}`))?.id).toBe(id);
    expect((await users.getById(id)).username).toBe(`grace${n}`);
  });

  it('returns registered and found users as plain users: the password hash readable, never serialized', async () => {
    const n = uniqueSuffix();
    const em = db.em();
    const users = new UserRepository(em);
    const registered = await users.register({
      email: `hopper${n}@example.com`,
      username: `hopper${n}`,
      password: 'a long passphrase',
    });
    const found = await users.findByEmail(`hopper${n}@example.com`);
    for (const user of [registered, found]) {
      expect(user?.hashedPassword).toMatch(/^scrypt\$/);
      expect(JSON.stringify(user)).not.toContain('hashedPassword');
      expect(user?.createdAt).toBeInstanceOf(Date);
      expect(user?.lastLoginAt).toBeNull();
    }
    // Not attached to the EntityManager: an entity pointing at the user takes a reference by id.
    expect(em.getUnitOfWork().getById(User, registered.id)).toBeUndefined();
  });

  it('returns null for an unknown e-mail or username, and getById throws NotFoundError', async () => {
    const users = new UserRepository(db.em());
    expect(await users.findByEmail('nobody@example.com')).toBeNull();
    expect(await users.findByUsername('nobody')).toBeNull();
    const missing = '01900000-0000-7000-8000-000000000000';
    await expect(users.getById(missing)).rejects.toThrow(NotFoundError);
    await expect(users.getById(missing)).rejects.toMatchObject({ entity: 'User', criteria: { id: missing } });
  });

  it('never stores the password itself, only a salted scrypt hash', async () => {
    const n = uniqueSuffix();
    const password = `s3cret-${n}`;
    const repo = new UserRepository(db.em());
    const a = await repo.register({ email: `a${n}@example.com`, username: `a${n}`, password });
    const b = await repo.register({ email: `b${n}@example.com`, username: `b${n}`, password });

    const rows = await db.query<{ hashed_password: string; everything: string }>(
      'select hashed_password, u::text as everything from identity.users u where id in ($1, $2)',
      [a.id, b.id],
    );
    for (const row of rows) {
      expect(row.hashed_password).toMatch(/^scrypt\$/);
      expect(row.everything).not.toContain(password);
    }
    // A random salt per user: the same password never hashes the same twice.
    expect(rows[0]?.hashed_password).not.toBe(rows[1]?.hashed_password);
  });

  it('rejects a too-short password with a field error and writes nothing', async () => {
    const n = uniqueSuffix();
    const attempt = new UserRepository(db.em()).register({
      email: `short${n}@example.com`,
      username: `s${n}`,
      password: 'abc',
    });

    await expect(attempt).rejects.toThrow(ValidationError);
    await expect(attempt).rejects.toMatchObject({ entity: 'User', field: 'password' });
    expect(await db.query('select 1 from identity.users where username = $1', [`s${n}`])).toHaveLength(0);
  });
});

describe('UserRepository.verifyPassword', () => {
  it('returns the user for the right password, whatever the case of the e-mail', async () => {
    const user = await userFactory(db.em(), { password: 'correct horse battery' });
    const found = await new UserRepository(db.em()).verifyPassword(user.email.toUpperCase(), 'correct horse battery');
    expect(found?.id).toBe(user.id);
  });

  it('returns null for a wrong password, an unknown e-mail or a user without a password', async () => {
    const withPassword = await userFactory(db.em(), { password: 'correct horse battery' });
    const withoutPassword = await userFactory(db.em());
    const users = new UserRepository(db.em());

    expect(await users.verifyPassword(withPassword.email, 'wrong horse battery')).toBeNull();
    expect(await users.verifyPassword('nobody@example.com', 'correct horse battery')).toBeNull();
    expect(await users.verifyPassword(withoutPassword.email, '')).toBeNull();
  });

  it('returns null for a deactivated user even with the right password', async () => {
    const user = await userFactory(db.em(), { password: 'correct horse battery' });
    await new UserRepository(db.em()).deactivate(user.id);
    expect(await new UserRepository(db.em()).verifyPassword(user.email, 'correct horse battery')).toBeNull();
  });

  it('records a sign-in in last_login_at', async () => {
    const user = await userFactory(db.em());
    const at = new Date('2030-01-02T03:04:05Z');
    await new UserRepository(db.em()).recordLogin(user.id, at);
    const [row] = await db.query<{ last_login_at: Date }>('select last_login_at from identity.users where id = $1', [
      user.id,
    ]);
    expect(row?.last_login_at.toISOString()).toBe(at.toISOString());
  });
});
