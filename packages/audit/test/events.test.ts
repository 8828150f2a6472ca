import { ValidationError } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { audit, EventRepository } from '../src/index.ts';

const db = useTestDatabase(audit);

describe('EventRepository (outbox)', () => {
  it('appends events in order, lists the unpublished ones and marks them published once', async () => {
    const repo = new EventRepository(db.em());
    const appended = await repo.append([
      { aggregateType: 'backup', aggregateId: 'b-1', type: 'backup.completed', payload: { bytes: 10 } },
      { aggregateType: 'migration', aggregateId: 'm-1', type: 'migration.completed' },
    ]);
    expect(appended[1]?.id).toBeGreaterThan(appended[0]?.id as number);

    const pending = await new EventRepository(db.em()).listUnpublished();
    expect(pending.map((e) => [e.type, e.payload])).toEqual([
      ['backup.completed', { bytes: 10 }],
      ['migration.completed', {}],
    ]);
    expect(await repo.markPublished([appended[0]?.id as number])).toBe(1);
    expect(await repo.markPublished([appended[0]?.id as number])).toBe(0);
    expect((await new EventRepository(db.em()).listUnpublished()).map((e) => e.type)).toEqual(['migration.completed']);
    expect((await repo.forAggregate('backup', 'b-1')).map((e) => e.publishedAt === null)).toEqual([false]);
  });

  it('rejects a batch with a bad event before writing any of it', async () => {
    const [before] = await db.query<{ n: number }>('select count(*)::int as n from audit.events');
    const error = await new EventRepository(db.em())
      .append([
        { aggregateType: 'a', aggregateId: '1', type: 'ok' },
        { aggregateType: 'a', aggregateId: '1', type: 't'.repeat(101) },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ entity: 'Event', field: 'type' });
    expect(await db.query('select count(*)::int as n from audit.events')).toEqual([before]);
  });
});

describe('EventRepository.get', () => {
  it('reads one event by id as a plain event; an unknown id is NotFoundError, a bad one a ValidationError', async () => {
    const repo = new EventRepository(db.em());
    const [appended] = await repo.append([
      { aggregateType: 'order', aggregateId: 'o-7', type: 'order.placed', payload: { total: 12 } },
    ]);
    const id = appended?.id as number;
    await expect(repo.get(id)).resolves.toEqual({
      id,
      aggregateType: 'order',
      aggregateId: 'o-7',
      type: 'order.placed',
      payload: { total: 12 },
      occurredAt: appended?.occurredAt,
      publishedAt: null,
    });
    await repo.markPublished([id]);
    expect((await repo.get(id)).publishedAt).toBeInstanceOf(Date);
    await expect(repo.get(id + 1_000_000)).rejects.toMatchObject({ code: 'NOT_FOUND', entity: 'Event' });
    await expect(repo.get(0)).rejects.toMatchObject({ entity: 'Event', field: 'id' });
    await expect(repo.get(1.5)).rejects.toBeInstanceOf(ValidationError);
  });
});
