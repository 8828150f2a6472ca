import type { Composition, ContextModule } from '@tessera/kernel';
import { MigrationDefinitionError } from './errors.ts';

/** A migration of the composition, with what the ordering rule needs to know about it. */
export interface OrderedMigration {
  readonly name: string;
  readonly context: string;
  /** `yyyyMMddHHmmss` from the name. */
  readonly timestamp: string;
  /** Names of the migrations that must run before this one. */
  readonly after: readonly string[];
}

const NAME = /^Migration(\d{14})_([a-z][a-z0-9_]*?)_([A-Za-z0-9_]+)$/;

/**
 * Validates the composition's migrations and derives each one's prerequisites:
 * - the previous migration of its own context (by name, which starts with the timestamp);
 * - the migrations it declares in `dependsOn` (written by `migration:create`: the latest migration of each
 *   dependency context at the time it was created), which must belong to a context it depends on;
 * - for a context's first migration, the first migration of each context it depends on.
 */
export function describeMigrations(composition: Composition): OrderedMigration[] {
  const seen = new Map<string, string>();
  for (const m of composition.migrations) {
    const match = NAME.exec(m.name);
    if (!match) {
      throw new MigrationDefinitionError(
        `migration name "${m.name}" of context "${m.context}" must look like Migration<yyyyMMddHHmmss>_${m.context}_<name>`,
      );
    }
    if (!m.name.startsWith(`Migration${match[1]}_${m.context}_`)) {
      throw new MigrationDefinitionError(
        `migration "${m.name}" belongs to context "${m.context}" but its name does not say so`,
      );
    }
    const other = seen.get(m.name);
    if (other !== undefined) {
      throw new MigrationDefinitionError(
        `migration name "${m.name}" is used twice (contexts "${other}" and "${m.context}")`,
      );
    }
    seen.set(m.name, m.context);
  }

  const byContext = new Map<string, string[]>();
  for (const ctx of composition.contexts) {
    byContext.set(ctx.name, ctx.migrations.map((m) => m.name).sort());
  }
  const dependencies = new Map(composition.contexts.map((c) => [c.name, dependencyClosure(c)]));

  return composition.migrations.map((m) => {
    const own = byContext.get(m.context) ?? [];
    const index = own.indexOf(m.name);
    const after = new Set<string>();
    if (index > 0) after.add(own[index - 1] as string);
    if (index === 0) {
      const ctx = composition.contexts.find((c) => c.name === m.context);
      for (const dep of ctx?.dependsOn ?? []) {
        const first = byContext.get(dep.name)?.[0];
        if (first) after.add(first);
      }
    }
    for (const dep of m.class.dependsOn ?? []) {
      const depContext = seen.get(dep);
      if (depContext === undefined) {
        throw new MigrationDefinitionError(
          `migration ${m.name} depends on ${dep}, which does not exist in the composition`,
        );
      }
      if (!dependencies.get(m.context)?.has(depContext)) {
        throw new MigrationDefinitionError(
          `migration ${m.name} depends on ${dep} of context "${depContext}", which context "${m.context}" does not depend on`,
        );
      }
      after.add(dep);
    }
    return { name: m.name, context: m.context, timestamp: NAME.exec(m.name)?.[1] ?? '', after: [...after] };
  });
}

/** The names of the contexts `ctx` depends on, directly or through others. */
export function dependencyClosure(ctx: ContextModule): Set<string> {
  const out = new Set<string>();
  const walk = (c: ContextModule) => {
    for (const d of c.dependsOn) {
      if (!out.has(d.name)) {
        out.add(d.name);
        walk(d);
      }
    }
  };
  walk(ctx);
  return out;
}

/**
 * The ordering rule: a topological order of the prerequisite graph in which, among the migrations that are
 * ready, the one with the earliest timestamp goes first (ties: context order, then name). On a fresh database
 * this replays history as it was written wherever the dependencies allow; on an existing one the applied
 * migrations count as done and only the pending ones are ordered.
 */
export function orderMigrations(
  migrations: readonly OrderedMigration[],
  contextOrder: readonly string[],
  done: ReadonlySet<string> = new Set(),
): OrderedMigration[] {
  const rank = new Map(contextOrder.map((c, i) => [c, i]));
  const pending = migrations.filter((m) => !done.has(m.name));
  const names = new Set(migrations.map((m) => m.name));
  const placed = new Set(done);
  const result: OrderedMigration[] = [];
  const compare = (a: OrderedMigration, b: OrderedMigration) =>
    a.timestamp.localeCompare(b.timestamp) ||
    (rank.get(a.context) ?? 0) - (rank.get(b.context) ?? 0) ||
    a.name.localeCompare(b.name);
  const remaining = [...pending].sort(compare);
  while (remaining.length > 0) {
    const i = remaining.findIndex((m) => m.after.every((d) => placed.has(d) || !names.has(d)));
    if (i === -1) {
      throw new MigrationDefinitionError(
        `migrations depend on each other in a cycle: ${remaining.map((m) => m.name).join(', ')}`,
      );
    }
    const [next] = remaining.splice(i, 1) as [OrderedMigration];
    placed.add(next.name);
    result.push(next);
  }
  return result;
}
