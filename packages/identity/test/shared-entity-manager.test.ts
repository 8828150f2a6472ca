import { RequestContext } from '@mikro-orm/postgresql';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { identity } from '../src/context.ts';
import { UserRepository } from '../src/index.ts';

const db = useTestDatabase(identity);

describe("a repository made once over the ORM's EntityManager", () => {
  it('serves its one-statement reads and writes without a fork', async () => {
    const users = new UserRepository(db.orm.em);
    const user = await users.register({ email: ' Once@Example.com ', username: 'once' });
    expect(await users.findByEmail('once@example.com')).toMatchObject({ id: user.id, username: 'once' });
    expect(await users.getById(user.id)).toMatchObject({ email: 'once@example.com' });
    expect(await db.query('select username from identity.users where id = $1', [user.id])).toEqual([
      { username: 'once' },
    ]);
  });

  it("refuses a unit-of-work method outside a request context (MikroORM's rule), and runs it inside one", async () => {
    const users = new UserRepository(db.orm.em);
    const user = await users.register({ email: 'context@example.com', username: 'context' });
    await expect(users.recordLogin(user.id)).rejects.toThrow(/global EntityManager/);
    const at = new Date('2026-01-02T03:04:05Z');
    await RequestContext.create(db.orm.em, () => users.recordLogin(user.id, at));
    expect(await db.query('select last_login_at from identity.users where id = $1', [user.id])).toEqual([
      { last_login_at: at },
    ]);
  });
});
