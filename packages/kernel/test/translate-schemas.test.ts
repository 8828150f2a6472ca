import { defineEntity, p } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import { type EmptyDatabase, emptyDatabase } from '@tessera/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CheckViolationError,
  composeContexts,
  createOrm,
  defineChecks,
  defineContext,
  ForeignKeyViolationError,
  flushOrDetach,
  idProperty,
  NotNullViolationError,
  newId,
  sql,
  UniqueViolationError,
  ValidationError,
} from '../src/index.ts';

// Two contexts, each with an entity named Event on a table named `events`, as the audit and catalog contexts
// have: only the error's schema tells which one a constraint error is about.
const LedgerEvent = defineEntity({
  name: 'Event',
  tableName: 'events',
  schema: 'ledger',
  properties: {
    id: idProperty(),
    code: p.string().length(10).unique(),
    amount: p.integer(),
  },
  checks: defineChecks('Event', 'ledger.events', [
    {
      name: 'amount_positive',
      property: 'amount',
      expression: 'amount > 0',
      test: (v: number) => v > 0,
      message: 'must be positive',
    },
  ]),
});

// The entity allows 40 characters, the column 20: a value between the two passes validation and only the
// database refuses it, with a data error that names no table.
const Venue = defineEntity({
  name: 'Venue',
  tableName: 'venues',
  schema: 'agenda',
  properties: { id: idProperty(), name: p.string().length(40) },
});

const AgendaEvent = defineEntity({
  name: 'Event',
  tableName: 'events',
  schema: 'agenda',
  properties: {
    id: idProperty(),
    slug: p.string().length(10).unique(),
    venue: () => p.manyToOne(Venue).deleteRule('restrict'),
    seats: p.smallint(),
  },
  checks: defineChecks('Event', 'agenda.events', [
    {
      name: 'seats_range',
      property: 'seats',
      expression: 'seats between 1 and 500',
      test: (v: number) => v >= 1 && v <= 500,
      message: 'must be from 1 to 500',
    },
  ]),
});

const ledger = defineContext({ name: 'ledger', entities: [LedgerEvent], migrations: [] });
const agenda = defineContext({ name: 'agenda', entities: [Venue, AgendaEvent], migrations: [] });

const SCHEMA_SQL = `
  create schema ledger;
  create table ledger.events (
    id uuid constraint pk_events primary key,
    code varchar(10) not null constraint uq_events_code unique,
    amount integer not null constraint ck_events_amount_positive check (amount > 0)
  );
  create schema agenda;
  create table agenda.venues (id uuid constraint pk_venues primary key, name varchar(20) not null);
  create table agenda.events (
    id uuid constraint pk_events primary key,
    slug varchar(10) not null constraint uq_events_slug unique,
    venue_id uuid not null constraint fk_events_venue_id references agenda.venues (id) on delete restrict,
    seats smallint not null constraint ck_events_seats_range check (seats between 1 and 500)
  );`;

let db: EmptyDatabase | undefined;
let orm: MikroORM | undefined;
const venueId = newId();

const INSERT_EVENT = 'insert into agenda.events (id, slug, venue_id, seats) values ($1, $2, $3, $4)';

beforeAll(async () => {
  db = await emptyDatabase();
  await db.query(SCHEMA_SQL);
  await db.query(`insert into agenda.venues (id, name) values ($1, 'Hall')`, [venueId]);
  await db.query(INSERT_EVENT, [newId(), 'opening', venueId, 10]);
  await db.query(`insert into ledger.events (id, code, amount) values ($1, 'opening', 5)`, [newId()]);
  orm = await createOrm(composeContexts([ledger, agenda]), db.url);
});

afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

const em = () => {
  if (!orm) throw new Error('the database is not ready');
  return orm.em.fork();
};

describe('the translator keys an error by its schema-qualified table', () => {
  // [what, the event's slug, venue and seats, typed error, the fields of agenda.events' Event]
  it.each([
    ['a duplicate unique value', ['opening', venueId, 10], UniqueViolationError, ['slug']],
    ['a reference to a row that does not exist', ['gala', newId(), 10], ForeignKeyViolationError, ['venue']],
    ['a CHECK the application knows', ['gala', venueId, 900], CheckViolationError, ['seats']],
    ['a missing required value', [null, venueId, 10], NotNullViolationError, ['slug']],
  ] as const)(
    '%s in agenda.events names the fields of that Event, not of ledger.events',
    async (_what, event, type, fields) => {
      const error = await sql(em(), { text: INSERT_EVENT, values: [newId(), ...event] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(type);
      expect(error).toMatchObject({ entity: 'Event', fields });
    },
  );

  it('the same constraint name in the other schema names the other Event', async () => {
    const error = await sql(em(), {
      text: `insert into ledger.events (id, code, amount) values ($1, 'opening', 5)`,
      values: [newId()],
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ constructor: UniqueViolationError, entity: 'Event', fields: ['code'] });
    const check = await sql(em(), {
      text: `insert into ledger.events (id, code, amount) values ($1, 'refund', -5)`,
      values: [newId()],
    }).catch((e: unknown) => e);
    expect(check).toMatchObject({ constructor: CheckViolationError, fields: ['amount'] });
    expect((check as Error).message).toBe('Event.amount: must be positive');
  });

  it('deleting a row still referenced names the referenced entity of the same schema', async () => {
    const error = await sql(em(), { text: 'delete from agenda.venues where id = $1', values: [venueId] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ForeignKeyViolationError);
    expect(error).toMatchObject({ entity: 'Venue', fields: ['id'] });
    expect((error as Error).message).toBe('Venue.id: is still referenced by Event (fk_events_venue_id)');
  });
});

describe('the one write path', () => {
  it('a data error in a flush names the entity flushOrDetach was given, and the entity is detached', async () => {
    const e = em();
    const bad = e.create(Venue, { name: 'x'.repeat(30) });
    const error = await flushOrDetach(e, [bad]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', entity: 'Venue', field: 'value' });
    expect((error as Error).message).toMatch(/^Venue\.value: is too long for its column/);
    // The refused Venue is no longer in the unit of work: the next flush writes only what is new.
    e.create(Venue, { name: 'Annex' });
    await flushOrDetach(e, []);
    expect((await db?.query('select name from agenda.venues order by name'))?.map((r) => r.name)).toEqual([
      'Annex',
      'Hall',
    ]);
  });

  it("a native insert of a bad row returns a rejected promise, so a caller's catch sees it", async () => {
    const e = em();
    let returned: unknown;
    expect(() => {
      returned = e.insert(Venue, { id: newId(), name: 'y'.repeat(41) });
    }).not.toThrow();
    await expect(returned).rejects.toMatchObject({ constructor: ValidationError, entity: 'Venue', field: 'name' });
    await expect(
      e.insertMany(Venue, [
        { id: newId(), name: 'ok' },
        { id: newId(), name: 'z'.repeat(41) },
      ]),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(e.nativeUpdate(Venue, { id: venueId }, { name: 'w'.repeat(41) })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('em.assign is validated like create: a wrong value is a typed error naming the field', async () => {
    const e = em();
    const venue = await e.findOneOrFail(Venue, { id: venueId });
    expect(() => e.assign(venue, { name: 'v'.repeat(41) })).toThrow(ValidationError);
    expect(() => e.assign(venue, { name: 42 as unknown as string })).toThrow(
      expect.objectContaining({ entity: 'Venue', field: 'name' }),
    );
  });
});
