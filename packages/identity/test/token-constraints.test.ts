import {
  CheckViolationError,
  ForeignKeyViolationError,
  NotNullViolationError,
  translateDbError,
  UniqueViolationError,
  ValidationError,
} from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { identity } from '../src/context.ts';
import { type TokenKind, TokenRepository } from '../src/index.ts';
import { tokenFactory, userFactory } from '../src/testing.ts';

const db = useTestDatabase(identity);
const tokensOf = async (userId: string) => db.query('select id from identity.tokens where user_id = $1', [userId]);

describe('tokens constraints: typed, field-level errors', () => {
  it('a token for a user that does not exist is a ForeignKeyViolationError on user', async () => {
    const ghost = '01900000-0000-7000-8000-00000000dead';
    const error = await new TokenRepository(db.em())
      .issue({ userId: ghost, kind: 'access', ttlSeconds: 60 })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ForeignKeyViolationError);
    expect(error).toMatchObject({ entity: 'Token', field: 'user', constraint: 'fk_tokens_user_id' });
    expect(await tokensOf(ghost)).toHaveLength(0);
  });

  it('the EntityManager stays usable after a rejected write', async () => {
    const em = db.em();
    const tokens = new TokenRepository(em);
    const user = await userFactory(em);
    await expect(
      tokens.issue({ userId: '01900000-0000-7000-8000-00000000beef', kind: 'access', ttlSeconds: 60 }),
    ).rejects.toThrow(ForeignKeyViolationError);
    await expect(tokens.issue({ userId: user.id, kind: 'access', ttlSeconds: 0 })).rejects.toThrow(CheckViolationError);

    const { record } = await tokens.issue({ userId: user.id, kind: 'access', ttlSeconds: 60 });
    expect((await tokensOf(user.id)).map((r) => r.id)).toEqual([record.id]);
  });

  it('an expiry not after the creation time is a CheckViolationError on expiresAt, raised before any write', async () => {
    const user = await userFactory(db.em());
    for (const ttlSeconds of [0, -60]) {
      const error = await new TokenRepository(db.em())
        .issue({ userId: user.id, kind: 'reset', ttlSeconds })
        .catch((e) => e);
      expect(error).toBeInstanceOf(CheckViolationError);
      expect(error).toMatchObject({
        entity: 'Token',
        field: 'expiresAt',
        constraint: 'ck_tokens_expires_after_created',
      });
      expect((error as Error).cause).toBeUndefined(); // the application caught it; PostgreSQL never saw it
    }
    expect(await tokensOf(user.id)).toHaveLength(0);
  });

  it('an unknown kind is a ValidationError on kind; a missing user a NotNullViolationError on user', async () => {
    const user = await userFactory(db.em());
    const tokens = new TokenRepository(db.em());
    const badKind = await tokens
      .issue({ userId: user.id, kind: 'session' as TokenKind, ttlSeconds: 60 })
      .catch((e) => e);
    expect(badKind).toBeInstanceOf(ValidationError);
    expect(badKind).toMatchObject({ entity: 'Token', field: 'kind' });
    const noUser = await tokens.issue({ kind: 'access', ttlSeconds: 60 } as never).catch((e) => e);
    expect(noUser).toBeInstanceOf(NotNullViolationError);
    expect(noUser).toMatchObject({ entity: 'Token', field: 'user' });
    expect(await tokensOf(user.id)).toHaveLength(0);
  });

  it('the database check catches an expiry the application could not: a row changed behind its back', async () => {
    const em = db.em();
    const tokens = new TokenRepository(em);
    const { token, record } = await tokenFactory(db.em());
    expect(await tokens.verify(token)).not.toBeNull(); // `em` now holds the whole row
    // Another writer moves the token's creation time forward (valid on its own); `em` still holds the old one.
    await db.query(
      `update identity.tokens set created_at = now() + interval '2 days', expires_at = now() + interval '3 days'
       where id = $1`,
      [record.id],
    );

    const error = await tokens.extend(record.id, 24 * 3600).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CheckViolationError);
    expect(error).toMatchObject({ entity: 'Token', field: 'expiresAt', constraint: 'ck_tokens_expires_after_created' });
    expect((error as Error).cause).toBeDefined(); // translated from PostgreSQL's error
    const [row] = await db.query<{ ok: boolean }>(
      `select expires_at > created_at + interval '23 hours' as ok from identity.tokens where id = $1`,
      [record.id],
    );
    expect(row?.ok).toBe(true); // the rejected update left the row as the other writer set it
  });

  it('rejects a raw token stored as the hash, and a duplicate hash, in the database itself', async () => {
    const { record } = await tokenFactory(db.em());
    const insert = (hash: string) =>
      db
        .query(
          `insert into identity.tokens (id, user_id, kind, token_hash, expires_at)
           values (gen_random_uuid(), $1, 'api', $2, now() + interval '1 hour')`,
          [record.user.id, hash],
        )
        .then(
          () => undefined,
          (e: unknown) => translateDbError(e, db.orm.getMetadata()),
        );

    expect(await insert('raw-token-value')).toMatchObject({ entity: 'Token', field: 'tokenHash' });
    expect(await insert(record.tokenHash)).toBeInstanceOf(UniqueViolationError);
    expect(await insert(record.tokenHash)).toMatchObject({ entity: 'Token', field: 'tokenHash' });
  });
});
