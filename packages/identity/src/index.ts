/** @tessera/identity: users, roles, role grants and tokens, in the `identity` schema. */

/** The context module to compose (`composeContexts([identity])`). */
export { identity } from './context.ts';
/** The role entity. */
export { type IRole, Role } from './entities/role.entity.ts';
/** The token entity (only a hash of the raw token is stored) and its kinds. */
export { type IToken, TOKEN_HASH_PATTERN, TOKEN_KINDS, Token, type TokenKind } from './entities/token.entity.ts';
/** The user entity and the e-mail format it accepts. */
export { EMAIL_PATTERN, type IUser, User } from './entities/user.entity.ts';
/** The user-role grant entity. */
export { type IUserRole, UserRole } from './entities/user-role.entity.ts';
/** Creating roles. */
export { type CreateRoleInput, RoleRepository } from './repositories/role.repository.ts';
/** Issuing, verifying, extending and revoking tokens; the hash a raw token is stored under. */
export {
  hashToken,
  type IssuedToken,
  type IssueTokenInput,
  REVOKED_RETENTION_SECONDS,
  TokenRepository,
  type VerifiedToken,
} from './repositories/token.repository.ts';
/** Registering, authenticating, listing and deactivating users; granting roles. */
export {
  type ListUsersOptions,
  MAX_PAGE_SIZE,
  type RegisterUserInput,
  type UserPage,
  UserRepository,
} from './repositories/user.repository.ts';
/** The password lengths registration accepts. */
export { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './security/password.ts';
