import type { EntitySchema } from '@mikro-orm/core';
import type { Migration } from '@mikro-orm/migrations';
import type {
  MaterializedViewDeclaration,
  PartitionedTableDeclaration,
  RawObject,
  SeederLoader,
} from './declarations.ts';
import { CompositionError } from './errors.ts';
import type { MonthlyPartitionedTable } from './partitions.ts';
import { declarePartitionedTable } from './translate.ts';

/** A migration class as the generator writes it: a MikroORM `Migration` with an optional `dependsOn`. */
export type MigrationClass = (new (
  ...args: ConstructorParameters<typeof Migration>
) => Migration) & {
  /** Migrations of dependency contexts that must run before this one (written by `migration:create`). */
  readonly dependsOn?: readonly string[];
};

/** One migration of a context, as the context exports it. */
export interface MigrationEntry {
  /** Unique across all contexts: `Migration<yyyyMMddHHmmss>_<context>_<name>`. */
  readonly name: string;
  readonly class: MigrationClass;
}

/** What a context package exports: its name (also its PostgreSQL schema), dependencies, entities and migrations. */
export interface ContextModule {
  readonly name: string;
  readonly dependsOn: readonly ContextModule[];
  // biome-ignore lint/suspicious/noExplicitAny: entity schemas of any shape
  readonly entities: readonly EntitySchema<any, any>[];
  readonly migrations: readonly MigrationEntry[];
  /**
   * Database objects the context's migrations create in raw SQL and the entities do not describe (policies,
   * partitions, materialized views, expression indexes…), by exact name and kind. The entity comparison leaves
   * them alone; the object comparison checks them against what the migrations create.
   */
  readonly rawObjects: readonly RawObject[];
  /** Its monthly range-partitioned tables (schema-qualified), which partition maintenance keeps. */
  readonly partitionedTables: readonly MonthlyPartitionedTable[];
  /** Its materialized views (schema-qualified), which view maintenance refreshes. */
  readonly materializedViews: readonly (MaterializedViewDeclaration & { readonly schema: string })[];
  /** Loads its sample-data seeder on demand; absent when it has none. */
  readonly seed?: SeederLoader;
}

/** What a context declares to {@link defineContext}. */
export interface ContextDefinition {
  /** Also its PostgreSQL schema: every entity must live in it. */
  name: string;
  dependsOn?: readonly ContextModule[];
  // biome-ignore lint/suspicious/noExplicitAny: entity schemas of any shape
  entities: readonly EntitySchema<any, any>[];
  migrations: readonly MigrationEntry[];
  rawObjects?: readonly RawObject[];
  partitionedTables?: readonly PartitionedTableDeclaration[];
  materializedViews?: readonly MaterializedViewDeclaration[];
  seed?: SeederLoader;
}

const CONTEXT_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * Declares a bounded context. The name must be a valid lower-case PostgreSQL schema name, and every entity
 * must live in that schema.
 */
export function defineContext(definition: ContextDefinition): ContextModule {
  if (!CONTEXT_NAME.test(definition.name)) {
    throw new CompositionError(
      `context name "${definition.name}" is invalid: use lower-case letters, digits and _ (it is also the schema name)`,
    );
  }
  for (const dep of definition.dependsOn ?? []) {
    if (dep === undefined) {
      throw new CompositionError(
        `context "${definition.name}" lists an undefined dependency (a circular import between context packages?)`,
      );
    }
  }
  for (const entity of definition.entities) {
    const { className, schema } = entity.meta;
    if (schema !== definition.name) {
      throw new CompositionError(
        `entity ${className} of context "${definition.name}" lives in schema "${schema ?? '(none)'}": ` +
          `set schema: '${definition.name}' (a context's entities live in its own schema)`,
      );
    }
  }
  const schema = definition.name;
  // Errors about a partition (`audit_logs_default`) are reported against the partitioned table's entity.
  for (const t of definition.partitionedTables ?? []) declarePartitionedTable(schema, t.table);
  return Object.freeze({
    name: definition.name,
    dependsOn: Object.freeze([...(definition.dependsOn ?? [])]),
    entities: Object.freeze([...definition.entities]),
    migrations: Object.freeze([...definition.migrations]),
    rawObjects: Object.freeze((definition.rawObjects ?? []).map((o) => Object.freeze({ ...o }))),
    partitionedTables: Object.freeze(
      (definition.partitionedTables ?? []).map((t) => Object.freeze({ schema, table: t.table, column: t.column })),
    ),
    materializedViews: Object.freeze((definition.materializedViews ?? []).map((v) => Object.freeze({ schema, ...v }))),
    ...(definition.seed ? { seed: definition.seed } : {}),
  });
}

/**
 * Orders a set of contexts and everything they depend on topologically: dependencies first, ties broken
 * by name, so the result is the same whatever order the caller lists them in.
 *
 * With `closed: true` a dependency that is not in `contexts` is an error instead of being added (the
 * check an app uses to prove it composes everything it needs explicitly).
 */
export function orderContexts(contexts: readonly ContextModule[], options: { closed?: boolean } = {}): ContextModule[] {
  const byName = new Map<string, ContextModule>();
  const visit = (ctx: ContextModule, via: string | undefined) => {
    const known = byName.get(ctx.name);
    if (known && known !== ctx) {
      throw new CompositionError(`two different contexts are named "${ctx.name}"`);
    }
    if (known) return;
    if (via !== undefined && options.closed) {
      throw new CompositionError(`context "${via}" depends on "${ctx.name}", which is not part of the composition`);
    }
    byName.set(ctx.name, ctx);
    for (const dep of ctx.dependsOn) visit(dep, ctx.name);
  };
  // Register everything listed first, so `closed` only rejects what is truly missing from the list.
  for (const ctx of contexts) {
    const known = byName.get(ctx.name);
    if (known && known !== ctx) throw new CompositionError(`two different contexts are named "${ctx.name}"`);
    byName.set(ctx.name, ctx);
  }
  for (const ctx of contexts) for (const dep of ctx.dependsOn) visit(dep, ctx.name);

  const ordered: ContextModule[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const walk = (ctx: ContextModule, path: string[]) => {
    const s = state.get(ctx.name);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...path.slice(path.indexOf(ctx.name)), ctx.name].join(' -> ');
      throw new CompositionError(`dependency cycle between contexts: ${cycle}`);
    }
    state.set(ctx.name, 'visiting');
    const deps = [...ctx.dependsOn].sort((a, b) => a.name.localeCompare(b.name));
    for (const dep of deps) {
      const resolved = byName.get(dep.name);
      if (!resolved) {
        throw new CompositionError(`context "${ctx.name}" depends on "${dep.name}", which is missing`);
      }
      walk(resolved, [...path, ctx.name]);
    }
    state.set(ctx.name, 'done');
    ordered.push(ctx);
  };
  for (const name of [...byName.keys()].sort()) walk(byName.get(name) as ContextModule, []);
  return ordered;
}
