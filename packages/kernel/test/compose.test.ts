import { describe, expect, it } from 'vitest';
import { CompositionError, type ContextModule, composeContexts, defineContext } from '../src/index.ts';

const ctx = (name: string, dependsOn: ContextModule[] = []) =>
  defineContext({ name, dependsOn, entities: [], migrations: [] });

describe('composeContexts', () => {
  it('adds dependencies and orders them first, whatever order they are given in', () => {
    const identity = ctx('identity');
    const audit = ctx('audit', [identity]);
    const workflows = ctx('workflows', [audit]);
    const knowledge = ctx('knowledge', [identity]);
    expect(composeContexts([workflows, knowledge]).schemas).toEqual(['identity', 'audit', 'knowledge', 'workflows']);
    expect(composeContexts([knowledge, workflows]).schemas).toEqual(['identity', 'audit', 'knowledge', 'workflows']);
    expect(composeContexts([knowledge]).schemas).toEqual(['identity', 'knowledge']);
  });

  it('names the cycle when contexts depend on each other', () => {
    // defineContext freezes contexts, so a cycle can only be built by hand; composition must still catch it.
    const none = { entities: [], migrations: [], rawObjects: [], partitionedTables: [], materializedViews: [] };
    const a = { name: 'a', dependsOn: [] as ContextModule[], ...none };
    const cyclicB: ContextModule = { name: 'b', dependsOn: [a], ...none };
    a.dependsOn.push(cyclicB);
    expect(() => composeContexts([cyclicB])).toThrow(CompositionError);
    expect(() => composeContexts([cyclicB])).toThrow(/dependency cycle between contexts: (a -> b -> a|b -> a -> b)/);
  });

  it('with closed: true, names a dependency that is not part of the composition', () => {
    const identity = ctx('identity');
    const audit = ctx('audit', [identity]);
    expect(() => composeContexts([audit], { closed: true })).toThrow(
      'context "audit" depends on "identity", which is not part of the composition',
    );
    expect(composeContexts([audit, identity], { closed: true }).schemas).toEqual(['identity', 'audit']);
  });

  it('rejects two different contexts with the same name', () => {
    const one = ctx('catalog');
    const other = ctx('catalog');
    expect(() => composeContexts([one, other])).toThrow('two different contexts are named "catalog"');
  });

  it('rejects a context name that is not a valid schema name', () => {
    expect(() => ctx('Catalog-2')).toThrow(/context name "Catalog-2" is invalid/);
  });

  it('rejects an undefined dependency (a circular import between packages)', () => {
    expect(() => ctx('audit', [undefined as unknown as ContextModule])).toThrow(/lists an undefined dependency/);
  });
});
