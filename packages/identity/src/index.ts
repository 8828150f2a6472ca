/** @tessera/identity: users, roles, role grants and tokens, in the `identity` schema. */
export { identity } from './context.ts';
export { type IRole, Role } from './entities/role.entity.ts';
export { type IToken, TOKEN_HASH_PATTERN, TOKEN_KINDS, Token, type TokenKind } from './entities/token.entity.ts';
export { EMAIL_PATTERN, type IUser, User } from './entities/user.entity.ts';
export { type IUserRole, UserRole } from './entities/user-role.entity.ts';
export { type CreateRoleInput, RoleRepository } from './repositories/role.repository.ts';
export {
  generateRawToken,
  hashToken,
  type IssuedToken,
  type IssueTokenInput,
  REVOKED_RETENTION_SECONDS,
  TokenRepository,
  type VerifiedToken,
} from './repositories/token.repository.ts';
export {
  type ListUsersOptions,
  MAX_PAGE_SIZE,
  type RegisterUserInput,
  type UserPage,
  UserRepository,
} from './repositories/user.repository.ts';
export { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, passwordMatches } from './security/password.ts';
