import { userFactory } from '@tessera/identity/testing';
import { ForeignKeyViolationError, NotNullViolationError, ValidationError } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { AuditLogRepository, audit, type RecordAuditInput } from '../src/index.ts';

const db = useTestDatabase(audit);
const RESOURCE = '0193a0b0-0000-7000-8000-000000000001';

const countRows = async () =>
  Number((await db.query<{ n: string }>('select count(*) as n from audit.audit_logs'))[0]?.n);

describe('AuditLogRepository', () => {
  it('records an entry and finds it by resource, by user and by time range', async () => {
    const user = await userFactory(db.em());
    const repo = new AuditLogRepository(db.em());
    const entry = await repo.record({
      userId: user.id,
      action: 'update',
      resourceType: 'workflow',
      resourceId: RESOURCE,
      changes: { before: { name: 'a' }, after: { name: 'b' } },
      ipAddress: '10.0.0.7',
      userAgent: 'cli',
    });
    expect(entry.id).toBeGreaterThan(0);
    await repo.record({ userId: user.id, action: 'login', resourceType: 'session' });

    const byResource = await new AuditLogRepository(db.em()).byResource('workflow', RESOURCE);
    expect(byResource.map((e) => [e.action, e.changes, e.ipAddress])).toEqual([
      ['update', { before: { name: 'a' }, after: { name: 'b' } }, '10.0.0.7'],
    ]);
    const byUser = await new AuditLogRepository(db.em()).byUser(user.id);
    expect(byUser.map((e) => e.action).sort()).toEqual(['login', 'update']);

    const [stored] = await db.query<{ created_at: Date }>('select created_at from audit.audit_logs where id = $1', [
      entry.id,
    ]);
    const at = stored?.created_at as Date;
    const inWindow = await new AuditLogRepository(db.em()).inRange(at, new Date(at.getTime() + 1));
    expect(inWindow.map((e) => e.id)).toContain(entry.id);
    const before = await new AuditLogRepository(db.em()).inRange(new Date(at.getTime() - 60_000), at);
    expect(before.map((e) => e.id)).not.toContain(entry.id);
  });

  it.each<[string, Partial<RecordAuditInput>, string]>([
    ['an unknown action', { action: 'explode' as never }, 'action'],
    ['a resource type over 100 characters', { resourceType: 'x'.repeat(101) }, 'resourceType'],
    ['a resource id that is not a UUID', { resourceId: 'nope' }, 'resourceId'],
  ])('rejects %s with a ValidationError naming the field, writing nothing', async (_, bad, field) => {
    const before = await countRows();
    const error = await new AuditLogRepository(db.em())
      .record({ action: 'create', resourceType: 'workflow', ...bad })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ entity: 'AuditLog', field });
    expect(await countRows()).toBe(before);
  });

  it('rejects a missing resource type with a NotNullViolationError', async () => {
    const error = await new AuditLogRepository(db.em())
      .record({ action: 'create', resourceType: undefined as never })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotNullViolationError);
    expect(error).toMatchObject({ entity: 'AuditLog', field: 'resourceType' });
  });

  it('rejects a user that does not exist with a ForeignKeyViolationError, writing nothing', async () => {
    const before = await countRows();
    const error = await new AuditLogRepository(db.em())
      .record({ userId: RESOURCE, action: 'create', resourceType: 'workflow' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForeignKeyViolationError);
    expect(error).toMatchObject({ entity: 'AuditLog', fields: ['user'] });
    expect(await countRows()).toBe(before);
  });

  it('keeps the trail when the user is deleted (user_id becomes null)', async () => {
    const user = await userFactory(db.em());
    const entry = await new AuditLogRepository(db.em()).record({
      userId: user.id,
      action: 'logout',
      resourceType: 'session',
    });
    await db.query('delete from identity.users where id = $1', [user.id]);
    expect(await db.query('select user_id from audit.audit_logs where id = $1', [entry.id])).toEqual([
      { user_id: null },
    ]);
  });

  it('rejects a page size out of range', async () => {
    await expect(new AuditLogRepository(db.em()).byUser(RESOURCE, { limit: 0 })).rejects.toMatchObject({
      entity: 'AuditLog',
      field: 'limit',
    });
  });
});
