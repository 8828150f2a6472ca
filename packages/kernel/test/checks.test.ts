import { defineEntity, p } from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';
import { CheckViolationError, CompositionError, checksOf, defineChecks, validateEntity } from '../src/index.ts';

const positive = {
  name: 'positive',
  property: 'n',
  expression: 'n > 0',
  test: (v: number) => v > 0,
  message: 'must be positive',
};
const small = {
  name: 'small',
  property: 'n',
  expression: 'n < 10',
  test: (v: number) => v < 10,
  message: 'must be below 10',
};

// Two entities with the same class name and table name, in two schemas, as two contexts can have them.
const AEvent = defineEntity({
  name: 'Event',
  tableName: 'events',
  schema: 'chk_a',
  properties: { id: p.integer().primary(), n: p.integer() },
  checks: defineChecks('Event', 'chk_a.events', [positive]),
});
const BEvent = defineEntity({
  name: 'Event',
  tableName: 'events',
  schema: 'chk_b',
  properties: { id: p.integer().primary(), n: p.integer() },
  checks: defineChecks('Event', 'chk_b.events', [small]),
});

describe('checks keyed by schema-qualified table', () => {
  it('validates each of two same-named entities against its own checks only', () => {
    expect(checksOf('chk_a', 'events').map((c) => c.constraint)).toEqual(['ck_events_positive']);
    expect(checksOf('chk_b', 'events').map((c) => c.constraint)).toEqual(['ck_events_small']);
    expect(() => validateEntity(AEvent.meta, { id: 1, n: 50 })).not.toThrow();
    expect(() => validateEntity(AEvent.meta, { id: 1, n: -1 })).toThrow(CheckViolationError);
    expect(() => validateEntity(BEvent.meta, { id: 1, n: -1 })).not.toThrow();
    expect(() => validateEntity(BEvent.meta, { id: 1, n: 50 })).toThrow('must be below 10');
  });

  it('names the entity whose checks are registered on an unqualified table', () => {
    expect(() => defineChecks('Widget', 'widgets', [positive])).toThrow(CompositionError);
    expect(() => defineChecks('Widget', 'widgets', [positive])).toThrow(
      'checks of entity Widget: table "widgets" must be schema-qualified (schema.table)',
    );
  });
});
