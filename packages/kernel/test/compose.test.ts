import { describe, expect, it } from 'vitest';
import {
  CompositionError,
  type ContextModule,
  composeContexts,
  defineContext,
  type MigrationClass,
  orderContexts,
  ormOptions,
  replicaSettings,
} from '../src/index.ts';
import { Member, Team } from './support/database.ts';

const ctx = (name: string, dependsOn: ContextModule[] = []) =>
  defineContext({ name, dependsOn, entities: [], migrations: [] });

const identity = ctx('identity');
const audit = ctx('audit', [identity]);
const workflows = ctx('workflows', [audit]);
const knowledge = ctx('knowledge', [identity]);

/** A dependency cycle; defineContext freezes contexts, so one can only be built by hand. */
function cycle(): ContextModule {
  const a = { name: 'a', dependsOn: [] as ContextModule[], entities: [], migrations: [], rawObjects: [] };
  const b: ContextModule = { name: 'b', dependsOn: [a], entities: [], migrations: [], rawObjects: [] };
  a.dependsOn.push(b);
  return b;
}

describe('composeContexts', () => {
  // [given, expected schemas]: dependencies first, ties by name, whatever order the caller lists them in.
  it.each([
    [
      [workflows, knowledge],
      ['identity', 'audit', 'knowledge', 'workflows'],
    ],
    [
      [knowledge, workflows],
      ['identity', 'audit', 'knowledge', 'workflows'],
    ],
    [
      [workflows, identity, audit],
      ['identity', 'audit', 'workflows'],
    ],
    [[knowledge], ['identity', 'knowledge']],
    [
      [knowledge, knowledge, identity],
      ['identity', 'knowledge'],
    ],
    [[], []],
  ])('orders %# by dependencies, then by name', (given, expected) => {
    expect(composeContexts(given).schemas).toEqual(expected);
    expect(orderContexts(given).map((c) => c.name)).toEqual(expected);
  });

  // [what, contexts, options, message]
  it.each([
    ['a dependency cycle', () => [cycle()], {}, /^dependency cycle between contexts: (a -> b -> a|b -> a -> b)$/],
    [
      'a dependency missing from a closed composition',
      () => [audit],
      { closed: true },
      'context "audit" depends on "identity", which is not part of the composition',
    ],
    [
      'two listed contexts with the same name',
      () => [ctx('catalog'), ctx('catalog')],
      {},
      'two different contexts are named "catalog"',
    ],
    [
      'a dependency named like another listed context',
      () => [ctx('identity'), audit],
      {},
      'two different contexts are named "identity"',
    ],
    [
      'two dependencies with the same name',
      () => [ctx('a', [ctx('shared')]), ctx('b', [ctx('shared')])],
      {},
      'two different contexts are named "shared"',
    ],
  ] as const)('rejects %s with a CompositionError', (_what, contexts, options, message) => {
    let error: unknown;
    try {
      composeContexts(contexts(), options);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CompositionError);
    expect(error).toMatchObject({ code: 'COMPOSITION_ERROR' });
    if (typeof message === 'string') expect((error as Error).message).toBe(message);
    else expect((error as Error).message).toMatch(message);
  });

  it('with closed: true, accepts a composition that lists every dependency', () => {
    expect(composeContexts([audit, identity], { closed: true }).schemas).toEqual(['identity', 'audit']);
  });

  it('collects the entities and the migrations of exactly the composed set, each migration with its owner', () => {
    const migration = (name: string) => ({ name, class: class {} as unknown as MigrationClass });
    const base = defineContext({ name: 'base', entities: [Team], migrations: [migration('M1_base_init')] });
    const top = defineContext({
      name: 'top',
      dependsOn: [base],
      entities: [Member],
      migrations: [migration('M2_top_init'), migration('M3_top_more')],
    });
    const composed = composeContexts([top]);
    expect(composed.contexts).toEqual([base, top]);
    expect(composed.entities).toEqual([Team, Member]);
    expect(composed.migrations.map((m) => [m.context, m.name])).toEqual([
      ['base', 'M1_base_init'],
      ['top', 'M2_top_init'],
      ['top', 'M3_top_more'],
    ]);
  });
});

describe('defineContext', () => {
  it.each(['Catalog-2', '', '2fa', 'a'.repeat(64), 'has space'])('rejects the context name %o', (name) => {
    expect(() => ctx(name)).toThrow(CompositionError);
    expect(() => ctx(name)).toThrow(`context name "${name}" is invalid`);
  });

  it('rejects an undefined dependency (a circular import between packages)', () => {
    expect(() => ctx('audit', [undefined as unknown as ContextModule])).toThrow(/lists an undefined dependency/);
  });

  it('returns a frozen context with copies of what it was given', () => {
    const dependsOn = [identity];
    const context = defineContext({ name: 'frozen', dependsOn, entities: [], migrations: [], rawObjects: ['v_x'] });
    dependsOn.push(audit);
    expect(context.dependsOn).toEqual([identity]);
    expect(context.rawObjects).toEqual(['v_x']);
    expect(Object.isFrozen(context) && Object.isFrozen(context.dependsOn)).toBe(true);
  });
});

describe('ormOptions', () => {
  it("gives a read replica URL without a database the primary's database, and names each replica", () => {
    const replicas = {
      ...replicaSettings({}),
      urls: ['postgresql://reader@replica-a:5432', 'postgresql://r@b:5433/other'],
    };
    const options = ormOptions(composeContexts([identity]), 'postgresql://app@primary:5432/tessera', {
      replicaSettings: replicas,
    });
    expect(options.replicas).toEqual([
      { name: 'replica-1', clientUrl: 'postgresql://reader@replica-a:5432/tessera' },
      { name: 'replica-2', clientUrl: 'postgresql://r@b:5433/other' },
    ]);
  });
});
