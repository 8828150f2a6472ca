import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { AuditLogRepository, audit, EventRepository } from '../src/index.ts';
import { auditLogFactory, eventFactory } from '../src/testing.ts';

const db = useTestDatabase(audit);

describe('audit factories', () => {
  it('auditLogFactory writes a login of a new user that the audit queries find', async () => {
    const log = await auditLogFactory(db.em());
    const userId = log.resourceId as string;
    const [row] = await db.query<{ action: string; user_id: string; resource_type: string; ip_address: string }>(
      'select action, user_id, resource_type, host(ip_address) as ip_address from audit.audit_logs where id = $1',
      [log.id],
    );
    expect(row).toEqual({ action: 'login', user_id: userId, resource_type: 'session', ip_address: '10.0.0.1' });
    expect((await new AuditLogRepository(db.em()).byUser(userId)).map((l) => l.id)).toEqual([log.id]);
  });

  it('eventFactory appends an unpublished event of its own aggregate', async () => {
    const a = await eventFactory(db.em(), { type: 'demo.renamed', payload: { name: 'x' } });
    const b = await eventFactory(db.em());
    expect(a.aggregateId).not.toBe(b.aggregateId);
    const found = await new EventRepository(db.em()).forAggregate('demo', a.aggregateId);
    expect(found.map((e) => [e.type, e.payload, e.publishedAt])).toEqual([['demo.renamed', { name: 'x' }, null]]);
  });
});
