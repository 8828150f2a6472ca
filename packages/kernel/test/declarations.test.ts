import { defineEntity, p } from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';
import { CompositionError, composeContexts, defineContext, type Seeder } from '../src/index.ts';

const entity = (name: string, schema: string, tableName = 'things') =>
  defineEntity({ name, tableName, schema, properties: { id: p.uuid().primary() } });

describe('defineContext declarations', () => {
  it('names the entity that lives outside the context schema', () => {
    expect(() => defineContext({ name: 'alpha', entities: [entity('Thing', 'beta')], migrations: [] })).toThrow(
      CompositionError,
    );
    expect(() => defineContext({ name: 'alpha', entities: [entity('Thing', 'beta')], migrations: [] })).toThrow(
      /entity Thing of context "alpha" lives in schema "beta"/,
    );
  });

  it('qualifies partitioned tables and materialized views with the context schema; composition collects them', () => {
    const logs = defineContext({
      name: 'logs',
      entities: [entity('Line', 'logs', 'lines')],
      migrations: [],
      partitionedTables: [{ table: 'lines', column: 'created_at', interval: 'month' }],
      materializedViews: [{ name: 'line_stats', concurrently: true }],
      rawObjects: [{ kind: 'partition', name: 'lines_default' }],
    });
    const other = defineContext({ name: 'other', dependsOn: [logs], entities: [], migrations: [] });
    const composed = composeContexts([other]);
    expect(composed.partitionedTables).toEqual([{ schema: 'logs', table: 'lines', column: 'created_at' }]);
    expect(composed.materializedViews).toEqual([{ schema: 'logs', name: 'line_stats', concurrently: true }]);
    expect(logs.rawObjects).toEqual([{ kind: 'partition', name: 'lines_default' }]);
    expect(other.partitionedTables).toEqual([]);
  });

  it('loads the seeder only when asked', async () => {
    let loaded = 0;
    const seeder: Seeder = { run: async () => ({ things: { created: 1, existing: 0 } }) };
    const ctx = defineContext({
      name: 'seeded',
      entities: [],
      migrations: [],
      seed: async () => {
        loaded += 1;
        return { seeder };
      },
    });
    expect(loaded).toBe(0);
    expect((await (ctx.seed as NonNullable<typeof ctx.seed>)()).seeder).toBe(seeder);
    expect(loaded).toBe(1);
  });

  it('composition rejects two entities on the same schema-qualified table', () => {
    const a = defineContext({ name: 'alpha', entities: [entity('Thing', 'alpha')], migrations: [] });
    const b = defineContext({ name: 'alpha2', entities: [entity('Thing', 'alpha2')], migrations: [] });
    // Same class name in two schemas is two tables: allowed.
    expect(composeContexts([a, b]).entities).toHaveLength(2);
    const twice = defineContext({
      name: 'gamma',
      entities: [entity('One', 'gamma'), entity('Two', 'gamma')],
      migrations: [],
    });
    expect(() => composeContexts([twice])).toThrow('entities gamma.One and gamma.Two both map to table gamma.things');
  });
});
