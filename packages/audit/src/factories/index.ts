import type { EntityManager } from '@mikro-orm/postgresql';
import { userFactory } from '@tessera/identity/testing';
import { uniqueSuffix } from '@tessera/kernel';
import type { IAuditLog } from '../entities/audit-log.entity.ts';
import type { IEvent } from '../entities/event.entity.ts';
import { AuditLogRepository, type RecordAuditInput } from '../repositories/audit-log.repository.ts';
import { type AppendEventInput, EventRepository } from '../repositories/event.repository.ts';

/**
 * Appends (through {@link AuditLogRepository.record}, so the same validation applies) a `login` of a new user,
 * or of `userId`; override any field.
 */
export async function auditLogFactory(
  em: EntityManager,
  overrides: Partial<RecordAuditInput> = {},
): Promise<IAuditLog> {
  const userId = overrides.userId === undefined ? (await userFactory(em)).id : overrides.userId;
  return new AuditLogRepository(em).record({
    action: 'login',
    resourceType: 'session',
    resourceId: userId,
    changes: { via: 'factory' },
    ipAddress: '10.0.0.1',
    userAgent: 'tessera-factory',
    ...overrides,
    userId,
  });
}

/** Appends (through {@link EventRepository.append}) an unpublished event of a unique aggregate; override any field. */
export async function eventFactory(em: EntityManager, overrides: Partial<AppendEventInput> = {}): Promise<IEvent> {
  const [event] = await new EventRepository(em).append([
    { aggregateType: 'demo', aggregateId: `demo-${uniqueSuffix()}`, type: 'demo.created', payload: {}, ...overrides },
  ]);
  return event as IEvent;
}
