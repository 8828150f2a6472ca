import { describe, expect, it } from 'vitest';
import {
  listMonthlyPartitions,
  maintainPartitions,
  monthlyPartitionName,
  newId,
  translateDbError,
  UniqueViolationError,
} from '../src/index.ts';
import { Reading, useKernelDatabase } from './support/database.ts';

const db = useKernelDatabase();
const readings = { schema: 'kt', table: 'readings', column: 'created_at' };
const now = new Date('2031-04-20T10:00:00Z');

const insert = (code: string, at: string) =>
  db.query(`insert into kt.readings (id, created_at, code) values ($1, $2, $3)`, [newId(), at, code]);
const rowsIn = async (partition: string) =>
  (await db.query(`select code from kt.${partition} order by code`)).map((r) => r.code);

describe('monthly partitions', () => {
  it.each([
    ['2031-04-20T10:00:00Z', 'readings_p203104'],
    ['2031-12-31T23:59:59Z', 'readings_p203112'],
    ['2032-01-01T00:00:00Z', 'readings_p203201'],
  ])('the month of %s is %s', (at, name) => {
    expect(monthlyPartitionName('readings', new Date(at))).toBe(name);
  });

  it('refuses a negative or fractional setting before touching the database', async () => {
    const before = await listMonthlyPartitions(db.em(), readings);
    await expect(maintainPartitions(db.em(), readings, { ahead: -1 })).rejects.toThrow(
      'ahead must be a non-negative integer (got -1)',
    );
    await expect(maintainPartitions(db.em(), readings, { retentionMonths: 1.5 })).rejects.toThrow(RangeError);
    expect(await listMonthlyPartitions(db.em(), readings)).toEqual(before);
  });

  it('creates the current month and the months ahead, moving rows waiting in DEFAULT; again, it does nothing; a retention drops older months', async () => {
    await insert('early', '2031-02-03T00:00:00Z');
    await insert('now', '2031-04-01T00:00:00Z');
    const first = await maintainPartitions(db.em(), readings, { now, ahead: 1 });
    expect(first).toEqual({
      table: 'kt.readings',
      created: ['readings_p203102', 'readings_p203104', 'readings_p203105'],
      dropped: [],
      movedRows: 2,
    });
    expect(await rowsIn('readings_default')).toEqual([]);
    expect(await rowsIn('readings_p203102')).toEqual(['early']);
    expect(await rowsIn('readings')).toEqual(['early', 'now']);
    expect(await maintainPartitions(db.em(), readings, { now, ahead: 1 })).toEqual({
      table: 'kt.readings',
      created: [],
      dropped: [],
      movedRows: 0,
    });
    expect((await listMonthlyPartitions(db.em(), readings)).map((p) => [p.name, p.from.toISOString()])).toEqual([
      ['readings_p203102', '2031-02-01T00:00:00.000Z'],
      ['readings_p203104', '2031-04-01T00:00:00.000Z'],
      ['readings_p203105', '2031-05-01T00:00:00.000Z'],
    ]);

    const result = await maintainPartitions(db.em(), readings, { now, ahead: 0, retentionMonths: 1 });
    expect(result.dropped).toEqual(['readings_p203102']);
    expect(await rowsIn('readings')).toEqual(['now']);
  });

  it("a constraint error on a partition names the parent table's entity and field", async () => {
    // A month no other test creates, so the row stays in the DEFAULT partition whatever runs first.
    await insert('dup', '2040-01-02T00:00:00Z');
    const em = db.em();
    let raw: unknown;
    try {
      await em.execute(`insert into kt.readings (id, created_at, code) values (?, ?, 'dup')`, [
        newId(),
        '2040-01-02T00:00:00Z',
      ]);
    } catch (error) {
      raw = error;
    }
    expect(raw).toMatchObject({ table: 'readings_default' });
    const error = translateDbError(raw, em.getMetadata());
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(error).toMatchObject({ entity: 'Reading', fields: ['code', 'createdAt'] });
    // The error PostgreSQL sent is kept as it was, as the cause.
    expect((error as Error).cause).toBe(raw);
    expect(raw).toMatchObject({ table: 'readings_default' });
  });

  it('a monthly partition maps to its parent too, and the same name of an undeclared table is not mistaken for one', async () => {
    await maintainPartitions(db.em(), readings, { now: new Date('2041-03-10T00:00:00Z'), ahead: 0 });
    await insert('march', '2041-03-11T00:00:00Z');
    const em = db.em();
    const raw = await em
      .execute(`insert into kt.readings (id, created_at, code) values (?, ?, 'march')`, [
        newId(),
        '2041-03-11T00:00:00Z',
      ])
      .catch((e: unknown) => e);
    expect(raw).toMatchObject({ table: 'readings_p204103' });
    expect(translateDbError(raw, em.getMetadata())).toMatchObject({
      constructor: UniqueViolationError,
      entity: 'Reading',
      fields: ['code', 'createdAt'],
    });
    const elsewhere = Object.assign(Object.create(raw as object) as object, {
      schema: 'other',
      table: 'readings_default',
    });
    expect(translateDbError(elsewhere, em.getMetadata())).toMatchObject({ entity: 'readings_default', fields: [] });
  });

  it('a row written through the ORM gets its key and creation time there, and lands in the DEFAULT partition', async () => {
    const em = db.em();
    const reading = em.create(Reading, { code: 'orm' });
    await em.flush();
    const [row] = await db.query(
      `select tableoid::regclass::text as part, created_at from kt.readings where code = 'orm'`,
    );
    expect(row?.part).toBe('kt.readings_default');
    expect(row?.created_at).toEqual(reading.createdAt);
  });
});
