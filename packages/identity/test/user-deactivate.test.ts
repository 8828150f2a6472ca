import { NotFoundError } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { identity } from '../src/context.ts';
import { UserRepository } from '../src/index.ts';
import { userFactory } from '../src/testing.ts';

// Its own file (and so its own database): the users it creates must not show up in the listing tests.
const db = useTestDatabase(identity);

describe('UserRepository.deactivate', () => {
  it('marks the user inactive in the database, idempotently', async () => {
    const user = await userFactory(db.em());
    await new UserRepository(db.em()).deactivate(user.id);
    await new UserRepository(db.em()).deactivate(user.id);

    const [row] = await db.query('select is_active from identity.users where id = $1', [user.id]);
    expect(row).toEqual({ is_active: false });
  });

  it('throws NotFoundError for an unknown user', async () => {
    await expect(new UserRepository(db.em()).deactivate('01900000-0000-7000-8000-000000000001')).rejects.toThrow(
      NotFoundError,
    );
  });
});
