import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { identity } from '../src/context.ts';
import { hashToken, TokenRepository, UserRepository } from '../src/index.ts';
import { tokenFactory, userFactory } from '../src/testing.ts';

const db = useTestDatabase(identity);
const HOUR = 3600;

describe('TokenRepository.issue and verify', () => {
  it('returns the raw token once and stores only its SHA-256', async () => {
    const user = await userFactory(db.em());
    const { token, record } = await new TokenRepository(db.em()).issue({
      userId: user.id,
      kind: 'api',
      ttlSeconds: HOUR,
      name: 'CI',
    });

    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [row] = await db.query<{ token_hash: string; everything: string }>(
      'select token_hash, t::text as everything from identity.tokens t where id = $1',
      [record.id],
    );
    expect(row?.token_hash).toBe(hashToken(token));
    expect(row?.everything).not.toContain(token);
    const anywhere = await db.query(
      `select 1 from identity.tokens t where position($1 in t::text) > 0
       union all select 1 from identity.users u where position($1 in u::text) > 0`,
      [token],
    );
    expect(anywhere).toHaveLength(0);
  });

  it('verifies a valid token, returning it with its user, and records the use', async () => {
    const { token, record } = await tokenFactory(db.em());
    const verified = await new TokenRepository(db.em()).verify(token, {
      now: new Date(record.createdAt.getTime() + 1000),
    });

    expect(verified?.token.id).toBe(record.id);
    expect(verified?.user.id).toBe(record.user.id);
    await new TokenRepository(db.em()).verify(token, { now: new Date(record.createdAt.getTime() + 2000) });
    const [row] = await db.query<{ last_used_at: Date }>('select last_used_at from identity.tokens where id = $1', [
      record.id,
    ]);
    expect(row?.last_used_at.getTime()).toBe(record.createdAt.getTime() + 2000);
  });

  it('rejects an unknown token, an expired one, the wrong kind, and a token of an inactive user', async () => {
    const tokens = new TokenRepository(db.em());
    const { token, record } = await tokenFactory(db.em(), { kind: 'refresh' });
    const inactive = await tokenFactory(db.em());
    await new UserRepository(db.em()).deactivate(inactive.record.user.id);

    expect(await tokens.verify('not-a-token')).toBeNull();
    expect(await tokens.verify(token, { now: record.expiresAt })).toBeNull();
    expect(await tokens.verify(token, { kind: 'access' })).toBeNull();
    expect(await tokens.verify(inactive.token)).toBeNull();
    expect(await tokens.verify(token, { kind: 'refresh' })).not.toBeNull();
  });
});

describe('TokenRepository.revoke and revokeAllForUser', () => {
  it('revokes by raw token or by id; a revoked token no longer verifies; revoking twice is harmless', async () => {
    const byRaw = await tokenFactory(db.em());
    const byId = await tokenFactory(db.em(), { user: byRaw.record.user });
    const tokens = new TokenRepository(db.em());

    expect(await tokens.revoke(byRaw.token)).toBe(true);
    expect(await tokens.revoke(byId.record.id)).toBe(true);
    expect(await tokens.revoke(byRaw.token)).toBe(false);
    expect(await tokens.verify(byRaw.token)).toBeNull();
    expect(await new TokenRepository(db.em()).verify(byId.token)).toBeNull();
  });

  it('a revocation wins over a copy of the token cached by the verifying EntityManager', async () => {
    const { token } = await tokenFactory(db.em());
    const verifier = new TokenRepository(db.em());
    expect(await verifier.verify(token)).not.toBeNull();
    await new TokenRepository(db.em()).revoke(token);
    expect(await verifier.verify(token)).toBeNull();
  });

  it('a user deactivated elsewhere stops verifying, even for an EntityManager that cached the user', async () => {
    const { token, record } = await tokenFactory(db.em());
    const verifier = new TokenRepository(db.em());
    expect(await verifier.verify(token)).not.toBeNull();
    await new UserRepository(db.em()).deactivate(record.user.id);
    expect(await verifier.verify(token)).toBeNull();
  });

  it('revokes every live token of one user and returns the count, leaving other users alone', async () => {
    const user = await userFactory(db.em());
    const mine = [await tokenFactory(db.em(), { user }), await tokenFactory(db.em(), { user, kind: 'refresh' })];
    const alreadyRevoked = await tokenFactory(db.em(), { user });
    await new TokenRepository(db.em()).revoke(alreadyRevoked.token);
    const someoneElses = await tokenFactory(db.em());

    expect(await new TokenRepository(db.em()).revokeAllForUser(user.id)).toBe(2);
    for (const { token } of mine) expect(await new TokenRepository(db.em()).verify(token)).toBeNull();
    expect(await new TokenRepository(db.em()).verify(someoneElses.token)).not.toBeNull();
  });
});

describe('TokenRepository.purgeExpired', () => {
  it('deletes expired and long-revoked tokens, keeps live and recently revoked ones, and returns the count', async () => {
    const user = await userFactory(db.em());
    // A timeline in the past, so the other tests' tokens (issued now) are neither expired nor long revoked at `at(24)`.
    const created = new Date('2001-01-01T00:00:00Z');
    const at = (hours: number) => new Date(created.getTime() + hours * HOUR * 1000);
    const make = (expiresInHours: number) =>
      tokenFactory(db.em(), { user, createdAt: created, expiresAt: at(expiresInHours) });
    const expired = await make(1);
    const live = await make(48);
    const longRevoked = await make(24 * 90);
    const recentlyRevoked = await make(24 * 90);
    const tokens = new TokenRepository(db.em());
    await tokens.revoke(longRevoked.record.id, at(2));
    await tokens.revoke(recentlyRevoked.record.id, at(23));

    // At hour 24 with a 12-hour retention for revoked tokens.
    expect(await tokens.purgeExpired(at(24), 12 * HOUR)).toBe(2);
    const left = await db.query<{ id: string }>('select id from identity.tokens where user_id = $1 order by id', [
      user.id,
    ]);
    expect(left.map((r) => r.id).sort()).toEqual([live.record.id, recentlyRevoked.record.id].sort());
    expect(left.map((r) => r.id)).not.toContain(expired.record.id);
  });
});
