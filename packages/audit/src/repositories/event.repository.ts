import {
  declareConsistency,
  NotFoundError,
  pageLimit,
  Repository,
  sql,
  translated,
  ValidationError,
  validateRows,
} from '@tessera/kernel';
import { Event, type IEvent } from '../entities/event.entity.ts';

const EVENT_BY_ID =
  'select id, aggregate_type as "aggregateType", aggregate_id as "aggregateId", type, payload, ' +
  'occurred_at as "occurredAt", published_at as "publishedAt" from audit.events where id = $1';

/** One event to append. */
export interface AppendEventInput {
  aggregateType: string;
  aggregateId: string;
  type: string;
  payload?: Record<string, unknown>;
  occurredAt?: Date;
}

/** The largest batch {@link EventRepository.listUnpublished} returns. */
export const MAX_EVENT_BATCH = 1000;

/**
 * The domain event log and outbox. Append in the same transaction as the state change (pass a transactional
 * EntityManager), so an event exists exactly when its change does; a publisher drains the unpublished ones.
 */
export class EventRepository extends Repository {
  /**
   * Appends events in one statement and returns them with their ids, in the given order. All or nothing:
   * any bad event is a BatchValidationError listing every bad one by its index and field, and none is written.
   */
  async append(events: readonly AppendEventInput[]): Promise<IEvent[]> {
    if (events.length === 0) return [];
    const meta = this.em.getMetadata(Event);
    const rows = events.map((e) => ({
      aggregateType: e.aggregateType,
      aggregateId: e.aggregateId,
      type: e.type,
      payload: e.payload ?? {},
      occurredAt: e.occurredAt ?? new Date(),
      publishedAt: null,
    }));
    validateRows(meta, rows, 'all-or-nothing');
    // One multi-row INSERT … RETURNING id: PostgreSQL returns the ids in the order of the VALUES list.
    const inserted = await translated(this.em, () =>
      this.em.createQueryBuilder(Event).insert(rows).returning(['id']).execute<{ id: number }[]>('all'),
    );
    return rows.map((row, i) => ({ ...row, id: Number(inserted[i]?.id) }) as IEvent);
  }

  /** Up to `limit` unpublished events, oldest first (the outbox poll; served by a partial index). */
  async listUnpublished(limit = 100): Promise<IEvent[]> {
    const size = pageLimit('Event', limit, { max: MAX_EVENT_BATCH, default: 100 });
    return this.em.find(
      Event,
      { publishedAt: null },
      { orderBy: { id: 'asc' }, limit: size, disableIdentityMap: true },
    );
  }

  /** Marks events as published; ones already published keep their first timestamp. Returns how many changed. */
  async markPublished(ids: readonly number[], at: Date = new Date()): Promise<number> {
    if (ids.length === 0) return 0;
    const bad = ids.findIndex((id) => !Number.isSafeInteger(id) || id < 1);
    if (bad >= 0) throw new ValidationError('Event', 'id', `ids[${bad}] must be a positive whole number`);
    return this.em.nativeUpdate(Event, { id: { $in: [...ids] }, publishedAt: null }, { publishedAt: at });
  }

  /** The event with this id (a plain event, like `append` returns); NotFoundError when there is none. One round trip. */
  async get(id: number): Promise<IEvent> {
    if (!Number.isSafeInteger(id) || id < 1)
      throw new ValidationError('Event', 'id', 'must be a positive whole number');
    const [row] = await sql<
      Omit<IEvent, 'occurredAt' | 'publishedAt'> & { occurredAt: string; publishedAt: string | null }
    >(this.em, { name: 'audit.events.by_id', text: EVENT_BY_ID, values: [id] });
    if (!row) throw new NotFoundError('Event', { id });
    // bigint arrives as text and timestamps as text (MikroORM's pool); the entity maps both the same way.
    const event = row as unknown as IEvent;
    event.id = Number(row.id);
    event.occurredAt = new Date(row.occurredAt);
    event.publishedAt = row.publishedAt === null ? null : new Date(row.publishedAt);
    return event;
  }

  /** Every event of one aggregate, in the order they were appended. */
  async forAggregate(aggregateType: string, aggregateId: string): Promise<IEvent[]> {
    return this.em.find(Event, { aggregateType, aggregateId }, { orderBy: { id: 'asc' }, disableIdentityMap: true });
  }
}

// Read consistency per method (callers override with withConsistency). The outbox relay reads the primary: a lagging copy would hand it events already marked published.
declareConsistency(EventRepository, {
  reads: { get: 'read-your-writes', listUnpublished: 'primary', forAggregate: 'read-your-writes' },
  writes: ['append', 'markPublished'],
});
