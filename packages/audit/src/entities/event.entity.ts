import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { defineChecks, jsonObjectCheck } from '@tessera/kernel';

// A payload is a JSON object by contract: a bare string or array would break every consumer's reader.
const checks = defineChecks('Event', 'audit.events', [jsonObjectCheck('payload', 'payload')]);

/**
 * A domain event (what a context announces, e.g. a completed migration run): an append-only log that doubles as an outbox.
 * A publisher reads the unpublished events in id order and stamps `published_at` once they are delivered.
 */
export const Event = defineEntity({
  name: 'Event',
  tableName: 'events',
  schema: 'audit',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    aggregateType: p.string().length(100),
    aggregateId: p.string().length(255),
    type: p.string().length(100),
    payload: p.json<Record<string, unknown>>().defaultRaw(`'{}'`),
    occurredAt: p
      .datetime()
      .columnType('timestamptz')
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    publishedAt: p.datetime().columnType('timestamptz').nullable(),
  },
  indexes: [
    { name: 'ix_events_aggregate', properties: ['aggregateType', 'aggregateId'] },
    // The outbox poll reads only unpublished events in id order; a partial index keeps that read tiny.
    { name: 'ix_events_unpublished', properties: ['id'], where: { publishedAt: null } },
  ],
  checks,
});

/** A loaded event. */
export type IEvent = InferEntity<typeof Event>;
