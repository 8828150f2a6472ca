import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { defineChecks, idProperty, timestampProperties, updatedAtTrigger } from '@tessera/kernel';
import { User } from './user.entity.ts';

/** The kinds of token the platform issues; a PostgreSQL native enum `token_kind`. */
export const TOKEN_KINDS = ['access', 'refresh', 'api', 'reset'] as const;

/** One of {@link TOKEN_KINDS}. */
export type TokenKind = (typeof TOKEN_KINDS)[number];

/** A SHA-256 digest in lower-case hex: the only form in which a token is ever stored. */
export const TOKEN_HASH_PATTERN = /^[0-9a-f]{64}$/;

const checks = defineChecks('Token', 'identity.tokens', [
  {
    // Also guards against a caller storing the raw token by mistake: a raw token is not 64 hex digits.
    name: 'token_hash_format',
    property: 'tokenHash',
    expression: "token_hash ~ '^[0-9a-f]{64}$'",
    test: (v: string) => TOKEN_HASH_PATTERN.test(v),
    message: 'must be a SHA-256 digest in lower-case hex (never the raw token)',
  },
  {
    name: 'expires_after_created',
    property: 'expiresAt',
    expression: 'expires_at > created_at',
    test: (v: Date, e) => !(e.createdAt instanceof Date) || v.getTime() > e.createdAt.getTime(),
    message: 'must be later than the creation time',
  },
]);

/** An access, refresh, API or password-reset token of a user. Only the token's hash is stored. */
export const Token = defineEntity({
  name: 'Token',
  tableName: 'tokens',
  schema: 'identity',
  properties: {
    id: idProperty(),
    user: () => p.manyToOne(User).deleteRule('cascade').index(),
    kind: p.enum(TOKEN_KINDS).nativeEnumName('token_kind'),
    tokenHash: p.string().length(64).unique().hidden(),
    name: p.string().length(100).nullable(),
    expiresAt: p.datetime().columnType('timestamptz').index(),
    revokedAt: p.datetime().columnType('timestamptz').nullable(),
    lastUsedAt: p.datetime().columnType('timestamptz').nullable(),
    ...timestampProperties(),
  },
  checks,
  triggers: [updatedAtTrigger('tokens')],
});

/** A loaded token record (its hash, never the raw token). */
export type IToken = InferEntity<typeof Token>;
