import { randomBytes } from 'node:crypto';

let counter = 0;

/**
 * A value no other factory call returns: a per-process counter plus a random suffix, so parallel test
 * files (separate processes) sharing a database still cannot collide.
 */
export function uniqueSuffix(): string {
  counter += 1;
  return `${counter}${randomBytes(4).toString('hex')}`;
}
