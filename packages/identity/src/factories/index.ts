export { type RoleOverrides, roleFactory } from './role.factory.ts';
export { type TokenOverrides, tokenFactory } from './token.factory.ts';
export { type UserOverrides, userFactory } from './user.factory.ts';
