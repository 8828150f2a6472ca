import { describe, expect, it } from 'vitest';
import { isJsonObject, jsonProblem, kindOfColumnType, valueProblem } from '../src/values.ts';

describe('value checks by column type', () => {
  it('derives the kind from the column type MikroORM reports', () => {
    expect(
      [
        'uuid',
        'varchar(100)',
        'text',
        'int',
        'smallint',
        'bigserial',
        'numeric(10,3)',
        'jsonb',
        'text[]',
        'inet',
        'date',
        'timestamptz',
        'executions.log_level',
        'tsvector',
      ].map(kindOfColumnType),
    ).toEqual([
      'uuid',
      'text',
      'text',
      'integer',
      'smallint',
      'bigint',
      'numeric',
      'json',
      'text[]',
      'inet',
      'date',
      'timestamp',
      'text',
      'other',
    ]);
  });

  it.each([
    ['uuid', 'not-a-uuid', /must be a UUID/],
    ['text', 'a\0b', /NUL byte/],
    ['text', 42, /must be a string/],
    ['integer', Number.POSITIVE_INFINITY, /finite/],
    ['integer', 1e12, /out of range/],
    ['integer', 1.5, /whole number/],
    ['smallint', 40_000, /out of range/],
    ['numeric', Number.NaN, /finite/],
    ['boolean', 'yes', /true or false/],
    ['timestamp', new Date('x'), /valid date/],
    ['date', '2024-02-30', /calendar date/],
    ['inet', '999.1.1.1', /IPv4 or IPv6/],
    ['inet', '10.0.0.0/33', /prefix/],
    ['text[]', 'a,b', /must be an array/],
    ['text[]', ['ok', 'x\0'], /\[1\].*NUL/],
  ] as const)('%s refuses %o', (kind, value, problem) => {
    expect(valueProblem(kind, value)).toMatch(problem);
  });

  it.each([
    ['uuid', '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'],
    ['text', 'plain'],
    ['integer', -2_147_483_648],
    ['numeric', '12.50'],
    ['date', '2024-02-29'],
    ['inet', '2001:db8::1/64'],
    ['timestamp', new Date(0)],
  ] as const)('%s accepts %o', (kind, value) => {
    expect(valueProblem(kind, value)).toBeUndefined();
  });

  it('numeric respects its precision', () => {
    expect(valueProblem('numeric', 1000, { precision: 5, scale: 2 })).toMatch(/at most 3 digits/);
    expect(valueProblem('numeric', 999.99, { precision: 5, scale: 2 })).toBeUndefined();
  });

  it('JSON: names the path of a NUL byte, a circular reference or a non-finite number', () => {
    const loop: Record<string, unknown> = {};
    loop.self = { back: loop };
    expect(jsonProblem({ a: [{ b: 'x\0' }] })).toMatch(/\$\.a\[0\]\.b contains a NUL byte/);
    expect(jsonProblem({ 'k\0': 1 })).toMatch(/key containing a NUL byte/);
    expect(jsonProblem(loop)).toMatch(/\$\.self\.back is a circular reference/);
    expect(jsonProblem({ n: Number.NEGATIVE_INFINITY })).toMatch(/\$\.n is not a finite number/);
    // The same object twice (not a cycle) is fine.
    const shared = { x: 1 };
    expect(jsonProblem({ a: shared, b: shared })).toBeUndefined();
    expect([isJsonObject({}), isJsonObject('{}'), isJsonObject([]), isJsonObject(null)]).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });
});
