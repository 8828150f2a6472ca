import { composeContexts, defineContext } from '@tessera/kernel';
import { describe, expect, it } from 'vitest';
import { MigrationDefinitionError } from '../src/errors.ts';
import { describeMigrations, orderMigrations } from '../src/order.ts';
import { ALPHA_1, ALPHA_2, alphaBeta, BETA_1, fixtureContext, sqlMigration } from './fixtures/contexts.ts';

function order(contexts: Parameters<typeof composeContexts>[0], done: string[] = []) {
  const composition = composeContexts(contexts);
  return orderMigrations(describeMigrations(composition), composition.schemas, new Set(done)).map((m) => m.name);
}

describe('the migration ordering rule', () => {
  it('runs a dependency first on a fresh database even when a dependant migration is older', () => {
    const alpha = fixtureContext('alpha', { Migration20260601000000_alpha_init: sqlMigration([]) });
    const beta = fixtureContext(
      'beta',
      { Migration20260101000000_beta_init: sqlMigration([]) },
      { dependsOn: [alpha] },
    );
    expect(order([beta])).toEqual(['Migration20260601000000_alpha_init', 'Migration20260101000000_beta_init']);
  });

  it('replays history by timestamp where dependencies allow', () => {
    const { beta } = alphaBeta({ alpha: { [ALPHA_2]: sqlMigration([]) } });
    expect(order([beta])).toEqual([ALPHA_1, BETA_1, ALPHA_2]);
  });

  it('is the same whatever order the contexts are listed in', () => {
    const { alpha, beta } = alphaBeta({ alpha: { [ALPHA_2]: sqlMigration([]) } });
    expect(order([alpha, beta])).toEqual(order([beta, alpha]));
  });

  it('orders only what is pending on an existing database: a dependency that gains a migration later', () => {
    const { beta } = alphaBeta({ alpha: { [ALPHA_2]: sqlMigration([]) } });
    expect(order([beta], [ALPHA_1, BETA_1])).toEqual([ALPHA_2]);
  });

  it('holds back a migration until the dependency migration it declares has run', () => {
    const { beta } = alphaBeta({
      alpha: { [ALPHA_2]: sqlMigration([]) },
      // Created after ALPHA_2 existed, but timestamped before it (a branch rebased late).
      beta: { Migration20260215000000_beta_uses_more: sqlMigration([], [], { dependsOn: [ALPHA_2] }) },
    });
    expect(order([beta])).toEqual([ALPHA_1, BETA_1, ALPHA_2, 'Migration20260215000000_beta_uses_more']);
  });

  it('rejects a dependency on a migration that does not exist, naming both', () => {
    const { beta } = alphaBeta({
      beta: {
        Migration20260215000000_beta_x: sqlMigration([], [], { dependsOn: ['Migration20990101000000_alpha_ghost'] }),
      },
    });
    expect(() => order([beta])).toThrow(
      /Migration20260215000000_beta_x depends on Migration20990101000000_alpha_ghost/,
    );
  });

  it('rejects a dependency on a context that is not a dependency', () => {
    const { beta } = alphaBeta({ alpha: { [ALPHA_2]: sqlMigration([], [], { dependsOn: [BETA_1] }) } });
    expect(() => order([beta])).toThrow(/of context "beta", which context "alpha" does not depend on/);
  });

  it('rejects names that do not carry the timestamp and the context', () => {
    const bad = fixtureContext('alpha', { Migration20260101000000_beta_init: sqlMigration([]) });
    expect(() => order([bad])).toThrow(MigrationDefinitionError);
    const worse = fixtureContext('alpha', { CreateThings: sqlMigration([]) });
    expect(() => order([worse])).toThrow(/must look like Migration<yyyyMMddHHmmss>_alpha_<name>/);
  });

  it('rejects a migration name listed twice', () => {
    const twice = defineContext({
      name: 'alpha',
      entities: [],
      migrations: [
        { name: ALPHA_1, class: sqlMigration([]) },
        { name: ALPHA_1, class: sqlMigration(['select 1']) },
      ],
    });
    expect(() => order([twice])).toThrow(/"Migration20260101000000_alpha_init" is used twice/);
  });
});
