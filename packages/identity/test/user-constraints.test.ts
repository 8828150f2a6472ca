import {
  CheckViolationError,
  NotNullViolationError,
  translateDbError,
  UniqueViolationError,
  uniqueSuffix,
  ValidationError,
} from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { identity } from '../src/context.ts';
import { type RegisterUserInput, UserRepository } from '../src/index.ts';
import { userFactory } from '../src/testing.ts';
import { waitForLockWaiter } from './helpers.ts';

const db = useTestDatabase(identity);

/** Registers, expecting a typed error; returns it with how many rows the attempt left behind. */
async function rejected(input: RegisterUserInput) {
  const error = await new UserRepository(db.em()).register(input).then(
    () => undefined,
    (e: unknown) => e,
  );
  const rows = await db.query('select 1 from identity.users where username = $1 or email = $2', [
    typeof input.username === 'string' ? input.username.trim() : null,
    typeof input.email === 'string' ? input.email.trim().toLowerCase() : null,
  ]);
  return { error, written: rows.length };
}

describe('users constraints: typed, field-level errors', () => {
  it('a taken e-mail is a UniqueViolationError on email, in any case', async () => {
    const existing = await userFactory(db.em());
    const error = await new UserRepository(db.em())
      .register({ email: existing.email.toUpperCase(), username: `other${uniqueSuffix()}` })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(error).toMatchObject({ entity: 'User', field: 'email', constraint: 'uq_users_email' });
    // Translated from the unique constraint: one INSERT, no SELECT before it.
    expect((error as Error & { cause: { code?: string } }).cause.code).toBe('23505');
  });

  it('a taken username is a UniqueViolationError on username', async () => {
    const existing = await userFactory(db.em());
    const error = await new UserRepository(db.em())
      .register({ email: `other${uniqueSuffix()}@example.com`, username: ` ${existing.username} ` })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(error).toMatchObject({ entity: 'User', field: 'username', constraint: 'uq_users_username' });
    expect((error as Error & { cause: { code?: string } }).cause.code).toBe('23505');
  });

  it('a registration racing another on the same e-mail gets the database unique violation, typed', async () => {
    const email = `race${uniqueSuffix()}@example.com`;
    const first = db.em();
    await first.begin();
    await userFactory(first, { email }); // inserted but not committed: invisible to the other registration
    const racing = new UserRepository(db.em()).register({ email, username: `racer${uniqueSuffix()}` }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await waitForLockWaiter(db); // the second insert now waits on the first one's unique index entry
    await first.commit();

    const error = await racing;
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(error).toMatchObject({ entity: 'User', field: 'email', constraint: 'uq_users_email' });
    expect((error as Error).cause).toBeDefined(); // it came from PostgreSQL, not from the pre-check
    expect(await db.query('select 1 from identity.users where email = $1', [email])).toHaveLength(1);
  });

  it('a malformed e-mail is a CheckViolationError on email, raised before any write', async () => {
    const { error, written } = await rejected({ email: 'not-an-email', username: `bad${uniqueSuffix()}` });
    expect(error).toBeInstanceOf(CheckViolationError);
    expect(error).toMatchObject({ entity: 'User', field: 'email', constraint: 'ck_users_email_format' });
    expect(written).toBe(0);
  });

  it('an access level outside 1-3 is a CheckViolationError on accessLevel', async () => {
    const { error, written } = await rejected({
      email: `lvl${uniqueSuffix()}@example.com`,
      username: `lvl${uniqueSuffix()}`,
      accessLevel: 4,
    });
    expect(error).toBeInstanceOf(CheckViolationError);
    expect(error).toMatchObject({ entity: 'User', field: 'accessLevel', constraint: 'ck_users_access_level_range' });
    expect(written).toBe(0);
  });

  it('a blank username is a CheckViolationError on username', async () => {
    const { error, written } = await rejected({ email: `blank${uniqueSuffix()}@example.com`, username: '   ' });
    expect(error).toBeInstanceOf(CheckViolationError);
    expect(error).toMatchObject({ entity: 'User', field: 'username', constraint: 'ck_users_username_not_empty' });
    expect(written).toBe(0);
  });

  it('a missing e-mail is a NotNullViolationError on email', async () => {
    const input = { username: `noemail${uniqueSuffix()}` } as RegisterUserInput;
    const { error, written } = await rejected(input);
    expect(error).toBeInstanceOf(NotNullViolationError);
    expect(error).toMatchObject({ entity: 'User', field: 'email' });
    expect(written).toBe(0);
  });

  it('a username longer than the column is a ValidationError on username', async () => {
    const { error, written } = await rejected({
      email: `long${uniqueSuffix()}@example.com`,
      username: 'x'.repeat(101),
    });
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ entity: 'User', field: 'username' });
    expect(written).toBe(0);
  });
});

describe('users constraints in the database itself (writes that bypass the application)', () => {
  const insert = (email: string | null, username: string | null, accessLevel = 1) =>
    db
      .query(`insert into identity.users (id, email, username, access_level) values (gen_random_uuid(), $1, $2, $3)`, [
        email,
        username,
        accessLevel,
      ])
      .then(
        () => undefined,
        (e: unknown) => translateDbError(e, db.orm.getMetadata()),
      );

  it('rejects an out-of-range access level, a bad e-mail and a blank username', async () => {
    const n = uniqueSuffix();
    expect(await insert(`raw${n}@example.com`, `raw${n}`, 9)).toMatchObject({ field: 'accessLevel' });
    expect(await insert('nope', `raw${n}`)).toMatchObject({ field: 'email', constraint: 'ck_users_email_format' });
    expect(await insert(`raw${n}@example.com`, ' ')).toBeInstanceOf(CheckViolationError);
  });

  it('rejects a missing username and a duplicate e-mail', async () => {
    const existing = await userFactory(db.em());
    expect(await insert(`raw${uniqueSuffix()}@example.com`, null)).toBeInstanceOf(NotNullViolationError);
    const duplicate = await insert(existing.email, `raw${uniqueSuffix()}`);
    expect(duplicate).toBeInstanceOf(UniqueViolationError);
    expect(duplicate).toMatchObject({ entity: 'User', field: 'email' });
  });
});
