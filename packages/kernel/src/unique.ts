import { randomBytes } from 'node:crypto';

let counter = 0;

/**
 * A value no other call returns, for unique test and seed values (e-mails, names, paths): a per-process counter
 * plus a random suffix, so parallel test files (separate processes) sharing a database cannot collide either.
 * Lower-case letters and digits only.
 */
export function uniqueSuffix(): string {
  counter += 1;
  return `${counter}${randomBytes(4).toString('hex')}`;
}
