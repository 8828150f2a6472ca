import { userFactory } from '@tessera/identity/testing';
import { BatchValidationError, CheckViolationError, translateDbError, ValidationError } from '@tessera/kernel';
import { itRefusesBadInput, useTestDatabase } from '@tessera/testing';
import { beforeAll, describe, expect } from 'vitest';
import { type AppendEventInput, AuditLogRepository, audit, EventRepository } from '../src/index.ts';
import { eventFactory } from '../src/testing.ts';

const db = useTestDatabase(audit);
const schemas = ['audit'];

let userId: string;
let eventId: number;
beforeAll(async () => {
  userId = (await userFactory(db.em())).id;
  eventId = (await eventFactory(db.em())).id;
});

const circular: Record<string, unknown> = { a: [] };
(circular.a as unknown[]).push(circular);

const record = (overrides: Record<string, unknown>) => () =>
  new AuditLogRepository(db.em()).record({ action: 'update', resourceType: 'workflow', userId, ...overrides });
const good: AppendEventInput = { aggregateType: 'a', aggregateId: '1', type: 't' };
const append = (events: AppendEventInput[]) => () => new EventRepository(db.em()).append(events);
const rowsAre = (rows: number[]) => (e: Error) =>
  expect((e as BatchValidationError).rows.map((r) => r.row)).toEqual(rows);

describe('audit refuses bad input with a typed error naming the field, and writes nothing', () => {
  itRefusesBadInput(db, schemas, [
    {
      name: 'an invalid inet',
      run: record({ ipAddress: '999.1.1.1' }),
      error: ValidationError,
      entity: 'AuditLog',
      field: 'ipAddress',
    },
    {
      name: 'an inet with a bad prefix',
      run: record({ ipAddress: '10.0.0.0/33' }),
      error: ValidationError,
      entity: 'AuditLog',
      field: 'ipAddress',
    },
    {
      name: 'a user id that is not a UUID',
      run: record({ userId: 'bob' }),
      error: ValidationError,
      entity: 'AuditLog',
      field: 'user',
    },
    {
      name: 'a NUL byte in a resource type',
      run: record({ resourceType: 'work\0flow' }),
      error: ValidationError,
      entity: 'AuditLog',
      field: 'resourceType',
    },
    {
      name: 'a NUL byte in a user agent',
      run: record({ userAgent: 'curl\0' }),
      error: ValidationError,
      entity: 'AuditLog',
      field: 'userAgent',
    },
    {
      name: 'a circular object in changes',
      run: record({ changes: circular }),
      error: ValidationError,
      entity: 'AuditLog',
      field: 'changes',
    },
    {
      name: 'a NUL byte deep in changes',
      run: record({ changes: { after: { name: ['x\0'] } } }),
      error: ValidationError,
      entity: 'AuditLog',
      field: 'changes',
    },
    {
      name: 'an unknown action',
      run: record({ action: 'hack' }),
      error: ValidationError,
      entity: 'AuditLog',
      field: 'action',
    },
    {
      name: 'a NUL byte in an event payload (one bad event in the middle)',
      run: append([good, { ...good, payload: { note: 'a\0' } }, good]),
      error: BatchValidationError,
      entity: 'Event',
      field: 'payload',
      check: rowsAre([1]),
    },
    {
      name: 'two bad events in one call, each reported',
      run: append([{ ...good, type: 'x\0' }, good, { ...good, occurredAt: new Date(Number.NaN) }]),
      error: BatchValidationError,
      entity: 'Event',
      field: 'type',
      check: rowsAre([0, 2]),
    },
    {
      name: 'an event payload that is a JSON string',
      run: append([good, { ...good, payload: '{"a":1}' as never }]),
      error: BatchValidationError,
      entity: 'Event',
      field: 'payload',
      check: rowsAre([1]),
    },
    {
      name: 'a number for an aggregate id',
      run: append([{ ...good, aggregateId: 5 as never }]),
      error: BatchValidationError,
      entity: 'Event',
      field: 'aggregateId',
    },
    {
      name: 'marking a non-integer event id published',
      run: () => new EventRepository(db.em()).markPublished([eventId, Number.NaN]),
      error: ValidationError,
      entity: 'Event',
      field: 'id',
    },
    {
      name: 'marking published at an invalid Date',
      run: () => new EventRepository(db.em()).markPublished([eventId], new Date('nope')),
      error: ValidationError,
      entity: 'Event',
      field: 'publishedAt',
    },
  ]);
});

describe('the database refuses a payload that is not an object, also from outside the application', () => {
  itRefusesBadInput(db, schemas, [
    {
      name: 'raw SQL payload as an array',
      run: () =>
        db.query(`update audit.events set payload = '[1]'::jsonb where id = $1`, [eventId]).catch((e: unknown) => {
          throw translateDbError(e, db.orm.getMetadata());
        }),
      error: CheckViolationError,
      entity: 'Event',
      field: 'payload',
    },
  ]);
});
