import type { EntityManager } from '@mikro-orm/postgresql';
import { flushOrDetach } from '@tessera/kernel';
import { type IToken, Token } from '../entities/token.entity.ts';
import type { IUser } from '../entities/user.entity.ts';
import { generateRawToken, hashToken, type IssuedToken } from '../repositories/token.repository.ts';
import { userFactory } from './user.factory.ts';

/** Fields a test may override on a token; `user` defaults to a new user from {@link userFactory}. */
export type TokenOverrides = Partial<Omit<IToken, 'id' | 'tokenHash' | 'user'>> & { user?: IUser };

/**
 * Persists (and flushes) a valid access token that expires in an hour, and returns it with its raw value
 * (like `TokenRepository.issue`), so tests can verify it.
 */
export async function tokenFactory(em: EntityManager, overrides: TokenOverrides = {}): Promise<IssuedToken> {
  const { user, ...fields } = overrides;
  const raw = generateRawToken();
  const now = new Date();
  const record = em.create(Token, {
    user: user ?? (await userFactory(em)),
    kind: 'access',
    tokenHash: hashToken(raw),
    name: null,
    createdAt: now,
    updatedAt: now,
    expiresAt: new Date(now.getTime() + 3600_000),
    ...fields,
  });
  await flushOrDetach(em, [record]);
  return { token: raw, record };
}
