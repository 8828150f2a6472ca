import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { defineChecks, notDeletedFilter, updatedAtTrigger } from '@tessera/kernel';
import { catalogBase } from './common.ts';
import { Episode } from './episode.entity.ts';
import { Season } from './season.entity.ts';

const checks = defineChecks('Event', 'catalog.events', [
  {
    name: 'event_number_positive',
    property: 'eventNumber',
    expression: 'event_number >= 1',
    test: (v: number) => Number.isInteger(v) && v >= 1,
    message: 'must be 1 or more',
  },
  {
    name: 'buy_in_not_negative',
    property: 'buyIn',
    expression: 'buy_in >= 0',
    test: (v: number) => v >= 0,
    message: 'must not be negative',
  },
  {
    name: 'prize_pool_not_negative',
    property: 'prizePool',
    expression: 'prize_pool >= 0',
    test: (v: number) => v >= 0,
    message: 'must not be negative',
  },
  {
    name: 'entries_not_negative',
    property: 'entries',
    expression: 'entries >= 0',
    test: (v: number) => Number.isInteger(v) && v >= 0,
    message: 'must be a whole number, 0 or more',
  },
  {
    name: 'currency_format',
    property: 'currency',
    expression: "currency ~ '^[A-Z]{3}$'",
    test: (v: string) => /^[A-Z]{3}$/.test(v),
    message: 'must be an ISO 4217 code such as USD',
  },
  {
    name: 'dates_ordered',
    property: 'endDate',
    expression: 'end_date >= start_date',
    test: (v: string, e) => typeof e.startDate !== 'string' || v >= e.startDate,
    message: 'must not be before startDate',
  },
]);

/** A tournament or event of a season: buy-in, field and prize pool. 15 columns. */
export const Event = defineEntity({
  name: 'Event',
  tableName: 'events',
  schema: 'catalog',
  properties: {
    ...catalogBase(),
    season: () => p.manyToOne(Season).deleteRule('cascade'),
    eventNumber: p.integer(),
    name: p.string().length(200),
    /** e.g. main_event, side_event, high_roller, cash_game. */
    eventType: p.string().length(50).nullable(),
    /** e.g. NLHE, PLO, Mixed. */
    gameType: p.string().length(50).nullable(),
    buyIn: p.decimal('number').precision(12).scale(2).nullable(),
    currency: p.string().length(3).default('USD'),
    prizePool: p.decimal('number').precision(14).scale(2).nullable(),
    entries: p.integer().nullable(),
    startDate: p.date().nullable(),
    endDate: p.date().nullable(),
    episodes: () => p.oneToMany(Episode).mappedBy('event'),
  },
  indexes: [{ name: 'ix_events_season_number', properties: ['season', 'eventNumber'] }],
  checks,
  triggers: [updatedAtTrigger('events')],
  filters: notDeletedFilter,
});

/** A loaded event. */
export type IEvent = InferEntity<typeof Event>;
