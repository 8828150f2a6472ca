import { createHash, randomBytes } from 'node:crypto';
import {
  declareConsistency,
  flushOrDetach,
  isUuid,
  NotFoundError,
  Repository,
  translated,
  ValidationError,
  validateEntity,
} from '@tessera/kernel';
import { type IToken, Token, type TokenKind } from '../entities/token.entity.ts';
import { type IUser, User } from '../entities/user.entity.ts';

/** What `issue` needs. */
export interface IssueTokenInput {
  userId: string;
  kind: TokenKind;
  /** Lifetime in seconds; must be positive. */
  ttlSeconds: number;
  /** A label the user chose, e.g. for an API token ("CI deploy key"). */
  name?: string | null;
  /** The issue time; defaults to the current time. */
  now?: Date;
}

/** A freshly issued token: the raw value, shown once and never stored, and the stored record. */
export interface IssuedToken {
  token: string;
  record: IToken;
}

/** A token that verified, with its (active) user. */
export interface VerifiedToken {
  token: IToken;
  user: IUser;
}

/** How long a revoked token is kept (for "this token was revoked" answers and forensics) before purging. */
export const REVOKED_RETENTION_SECONDS = 30 * 24 * 3600;

/** The SHA-256 hex digest of a raw token: the only form in which tokens reach the database. */
export function hashToken(raw: string): string {
  return createHash('sha256').update(raw, 'utf8').digest('hex');
}

/** A new raw token: 32 random bytes, base64url (43 characters, URL- and header-safe). */
export function generateRawToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Access, refresh, API and password-reset tokens. A token is 256 random bits, so a plain
 * SHA-256 (no salt, no slow hash) is enough to make a stolen table useless, and it keeps lookups by hash.
 */
export class TokenRepository extends Repository {
  /**
   * Issues a token and returns the raw value once. A user that does not exist gives a
   * ForeignKeyViolationError on `user`; a non-positive ttl a CheckViolationError on `expiresAt`.
   */
  async issue(input: IssueTokenInput): Promise<IssuedToken> {
    if (typeof input.ttlSeconds !== 'number' || !Number.isFinite(input.ttlSeconds)) {
      throw new ValidationError('Token', 'expiresAt', 'ttlSeconds must be a finite number of seconds');
    }
    const raw = generateRawToken();
    const now = input.now ?? new Date();
    const data = {
      kind: input.kind,
      tokenHash: hashToken(raw),
      name: input.name ?? null,
      // created_at is set here rather than at flush time, so the expiry check compares the same instant.
      createdAt: now,
      updatedAt: now,
      expiresAt: new Date(now.getTime() + input.ttlSeconds * 1000),
    };
    // Validated before the entity exists, so bad input never reaches the unit of work (or MikroORM's own
    // type validation, which would throw an untyped error).
    validateEntity(this.em.getMetadata(Token), { ...data, user: input.userId });
    // No lookup of the user: the foreign key is the check, and a missing user is a ForeignKeyViolationError.
    const knownUser = this.em.getUnitOfWork().getById(User, input.userId);
    const user = knownUser ?? this.em.getReference(User, input.userId);
    const record = this.em.create(Token, { ...data, user });
    await flushOrDetach(this.em, knownUser ? [record] : [record, user]);
    return { token: raw, record };
  }

  /**
   * The token and its user when the raw token is known, unrevoked, unexpired, of the expected kind (if
   * given) and its user active; records the use in `last_used_at`. Otherwise null, whatever the reason,
   * so a caller cannot probe which tokens exist.
   */
  async verify(raw: string, options: { kind?: TokenKind; now?: Date } = {}): Promise<VerifiedToken | null> {
    const now = options.now ?? new Date();
    // refresh: a security decision reads the token and its user as they are now, never a copy this
    // EntityManager cached (or edited without flushing) earlier.
    const token = await this.em.findOne(Token, { tokenHash: hashToken(raw) }, { populate: ['user'], refresh: true });
    if (!token || token.revokedAt !== null || token.expiresAt.getTime() <= now.getTime()) return null;
    if (options.kind !== undefined && token.kind !== options.kind) return null;
    if (!token.user.isActive) return null;
    token.lastUsedAt = now;
    await flushOrDetach(this.em, [token]);
    return { token, user: token.user };
  }

  /**
   * Revokes one token, given either its raw value or its id (a UUID; raw tokens never look like one).
   * Returns false when no unrevoked token matched, so revoking twice is harmless.
   */
  async revoke(rawOrId: string, now: Date = new Date()): Promise<boolean> {
    const where = isUuid(rawOrId) ? { id: rawOrId } : { tokenHash: hashToken(rawOrId) };
    const count = await translated(this.em, () =>
      this.em.nativeUpdate(Token, { ...where, revokedAt: null }, { revokedAt: now }),
    );
    return count > 0;
  }

  /** Revokes every unrevoked token of a user (sign out everywhere; after a password change). Returns the count. */
  async revokeAllForUser(userId: string, now: Date = new Date()): Promise<number> {
    if (!isUuid(userId)) return 0;
    return translated(this.em, () =>
      this.em.nativeUpdate(Token, { user: userId, revokedAt: null }, { revokedAt: now }),
    );
  }

  /**
   * Moves the expiry of an unrevoked token to `now + ttlSeconds` (sliding sessions, renewed API keys).
   * Throws NotFoundError for an unknown or revoked token.
   */
  async extend(id: string, ttlSeconds: number, now: Date = new Date()): Promise<IToken> {
    const token = isUuid(id) ? await this.em.findOne(Token, { id }) : null;
    if (!token || token.revokedAt !== null) throw new NotFoundError('Token', { id });
    token.expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
    await flushOrDetach(this.em, [token]);
    return token;
  }

  /** The tokens of a user, newest first, revoked and expired ones included (for a "your sessions" page). */
  async listForUser(userId: string): Promise<IToken[]> {
    if (!isUuid(userId)) return [];
    return this.em.find(Token, { user: userId }, { orderBy: { id: 'desc' } });
  }

  /**
   * Deletes tokens that expired at or before `now`, and tokens revoked more than `revokedRetentionSeconds`
   * before it. Returns the number deleted. One statement, served by the index on `expires_at`.
   */
  async purgeExpired(now: Date = new Date(), revokedRetentionSeconds = REVOKED_RETENTION_SECONDS): Promise<number> {
    const revokedBefore = new Date(now.getTime() - revokedRetentionSeconds * 1000);
    return translated(this.em, () =>
      this.em.nativeDelete(Token, { $or: [{ expiresAt: { $lte: now } }, { revokedAt: { $lte: revokedBefore } }] }),
    );
  }
}

// Read consistency per method (callers override with withConsistency). Verification reads the primary: a revoked token must stop verifying at once, from any process.
declareConsistency(TokenRepository, {
  reads: { verify: 'primary', listForUser: 'read-your-writes' },
  writes: ['issue', 'revoke', 'revokeAllForUser', 'extend', 'purgeExpired'],
});
