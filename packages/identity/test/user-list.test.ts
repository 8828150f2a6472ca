import { ValidationError } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { identity } from '../src/context.ts';
import { type IUser, UserRepository } from '../src/index.ts';
import { userFactory } from '../src/testing.ts';

const db = useTestDatabase(identity);

describe('UserRepository.list (keyset pagination in id order)', () => {
  let created: IUser[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 7; i++) created.push(await userFactory(db.em(), { isActive: i % 3 !== 0 }));
    // UUIDv7 order is creation order only to the millisecond, so compare with id order.
    created = created.sort((a, b) => (a.id < b.id ? -1 : 1));
  });

  it('walks every user exactly once, page by page, in id order', async () => {
    const users = new UserRepository(db.em());
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await users.list({ limit: 3, cursor });
      seen.push(...page.items.map((u) => u.id));
      pageSizes.push(page.items.length);
      cursor = page.nextCursor;
    } while (cursor);

    expect(seen).toEqual(created.map((u) => u.id));
    expect(pageSizes).toEqual([3, 3, 1]);
  });

  it('ends with a null cursor when the last page is exactly full', async () => {
    const users = new UserRepository(db.em());
    const first = await users.list({ limit: 4 });
    const second = await users.list({ limit: 3, cursor: first.nextCursor });
    expect(second.items).toHaveLength(3);
    expect(second.nextCursor).toBeNull();
  });

  it('filters by isActive', async () => {
    const users = new UserRepository(db.em());
    const active = await users.list({ isActive: true });
    const inactive = await users.list({ isActive: false });
    expect(active.items.map((u) => u.id)).toEqual(created.filter((u) => u.isActive).map((u) => u.id));
    expect(inactive.items.map((u) => u.id)).toEqual(created.filter((u) => !u.isActive).map((u) => u.id));
  });

  it('rejects a page size out of range and a cursor it did not issue', async () => {
    const users = new UserRepository(db.em());
    await expect(users.list({ limit: 0 })).rejects.toThrow(ValidationError);
    await expect(users.list({ limit: 501 })).rejects.toMatchObject({ field: 'limit' });
    await expect(users.list({ cursor: 'page-2' })).rejects.toMatchObject({ field: 'cursor' });
  });
});
