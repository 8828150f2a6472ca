import { CheckViolationError, NotFoundError, UniqueViolationError } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { identity } from '../src/context.ts';
import { RoleRepository, UserRepository } from '../src/index.ts';
import { roleFactory, userFactory } from '../src/testing.ts';

const db = useTestDatabase(identity);

const grantsOf = async (userId: string) =>
  (
    await db.query<{ name: string }>(
      `select r.name from identity.user_roles ur join identity.roles r on r.id = ur.role_id
       where ur.user_id = $1 order by r.name`,
      [userId],
    )
  ).map((r) => r.name);

describe('UserRepository.assignRoles and rolesOf', () => {
  it('grants existing roles and lists them by name', async () => {
    const user = await userFactory(db.em());
    const editor = await roleFactory(db.em(), { name: `editor-${user.username}` });
    const admin = await roleFactory(db.em(), { name: `admin-${user.username}` });

    const roles = await new UserRepository(db.em()).assignRoles(user.id, [editor.name, admin.name]);

    expect(roles.map((r) => r.name)).toEqual([admin.name, editor.name]);
    expect((await new UserRepository(db.em()).rolesOf(user.id)).map((r) => r.name)).toEqual([admin.name, editor.name]);
    expect(await grantsOf(user.id)).toEqual([admin.name, editor.name]);
  });

  it('is idempotent: granting a role twice (or twice in one call) keeps one grant', async () => {
    const user = await userFactory(db.em());
    const role = await roleFactory(db.em());
    await new UserRepository(db.em()).assignRoles(user.id, [role.name, role.name]);
    await new UserRepository(db.em()).assignRoles(user.id, [role.name]);
    expect(await grantsOf(user.id)).toEqual([role.name]);
  });

  it('rejects an unknown role with NotFoundError naming it, and grants nothing', async () => {
    const user = await userFactory(db.em());
    const role = await roleFactory(db.em());
    const error = await new UserRepository(db.em()).assignRoles(user.id, [role.name, 'no-such-role']).catch((e) => e);

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ entity: 'Role', criteria: { name: 'no-such-role' } });
    expect(await grantsOf(user.id)).toEqual([]);
  });

  it('rejects an unknown user with NotFoundError', async () => {
    const role = await roleFactory(db.em());
    await expect(
      new UserRepository(db.em()).assignRoles('01900000-0000-7000-8000-000000000002', [role.name]),
    ).rejects.toMatchObject({ entity: 'User' });
  });

  it('withdraws roles with revokeRoles', async () => {
    const user = await userFactory(db.em());
    const [a, b] = [await roleFactory(db.em()), await roleFactory(db.em())];
    await new UserRepository(db.em()).assignRoles(user.id, [a.name, b.name]);

    expect(await new UserRepository(db.em()).revokeRoles(user.id, [a.name, 'never-granted'])).toBe(1);
    expect(await grantsOf(user.id)).toEqual([b.name]);
  });
});

describe('RoleRepository', () => {
  it('creates a role with a trimmed name and finds it by name', async () => {
    const roles = new RoleRepository(db.em());
    const created = await roles.create({ name: '  auditor ', description: 'reads the audit log' });
    expect(created.name).toBe('auditor');
    expect((await new RoleRepository(db.em()).findByName('auditor'))?.id).toBe(created.id);
  });

  it('a taken name is a UniqueViolationError on name; a blank one a CheckViolationError', async () => {
    const existing = await roleFactory(db.em());
    const roles = new RoleRepository(db.em());
    await expect(roles.create({ name: existing.name })).rejects.toThrow(UniqueViolationError);
    await expect(roles.create({ name: existing.name })).rejects.toMatchObject({ entity: 'Role', field: 'name' });
    const blank = await roles.create({ name: '  ' }).catch((e) => e);
    expect(blank).toBeInstanceOf(CheckViolationError);
    expect(blank).toMatchObject({ entity: 'Role', field: 'name', constraint: 'ck_roles_name_not_empty' });
  });

  it('rejects a blank name in the database too', async () => {
    const error = await db
      .query(`insert into identity.roles (id, name) values (gen_random_uuid(), '')`)
      .catch((e) => e);
    expect(error).toMatchObject({ code: '23514', constraint: 'ck_roles_name_not_empty' });
  });
});
