import { CompositionError } from './errors.ts';

/**
 * CHECK constraints that exist twice on purpose: once in the database (the last line of defence, also for
 * writes from outside the ORM) and once in the application, which runs before the write so a caller gets
 * a typed, field-level error and nothing is half-written.
 */

/** One CHECK: its SQL for the database and its predicate for the application. */
export interface FieldCheck {
  /** Short name; the constraint is called `ck_<table>_<name>`. */
  readonly name: string;
  /** The property the rule is about (named in the error). */
  readonly property: string;
  /** The SQL boolean expression of the database CHECK. */
  readonly expression: string;
  /** The same rule in the application; `null`/`undefined` values are not tested unless `testNull` is set. */
  // biome-ignore lint/suspicious/noExplicitAny: values of any property type
  readonly test: (value: any, entity: Record<string, unknown>) => boolean;
  /** What is wrong, for the error message, e.g. "must be a valid email address". */
  readonly message: string;
  readonly testNull?: boolean;
}

/** A registered check, with its full constraint name. */
export interface RegisteredCheck extends FieldCheck {
  readonly constraint: string;
}

// Keyed by schema-qualified table: two contexts may both have an entity `Event` on a table `events`.
const registry = new Map<string, { entity: string; checks: RegisteredCheck[] }>();

/**
 * Registers the checks of an entity and returns them in the shape `defineEntity({ checks })` takes.
 * `table` is schema-qualified (`catalog.events`): the flush-time validator looks the checks up by the entity's
 * schema and table, so entities of the same name in two contexts never share checks.
 */
export function defineChecks(entityName: string, table: string, checks: readonly FieldCheck[]) {
  const [schema, bare] = table.split('.');
  if (!schema || !bare || table.split('.').length !== 2) {
    throw new CompositionError(
      `checks of entity ${entityName}: table "${table}" must be schema-qualified (schema.table)`,
    );
  }
  const registered = checks.map((c) => ({ ...c, constraint: `ck_${bare}_${c.name}` }));
  registry.set(table, { entity: entityName, checks: registered });
  return registered.map((c) => ({ name: c.constraint, expression: c.expression, property: c.property }));
}

/** The application-side checks registered for the entity on `schema.table`. */
export function checksOf(schema: string | undefined, table: string): readonly RegisteredCheck[] {
  return registry.get(`${schema}.${table}`)?.checks ?? [];
}

/**
 * Finds a registered check by its constraint name (used to translate a database check violation), within
 * `schema` when the error names one.
 */
export function checkByConstraint(
  constraint: string,
  schema?: string,
): { entity: string; check: RegisteredCheck } | undefined {
  for (const [table, { entity, checks }] of registry) {
    if (schema !== undefined && !table.startsWith(`${schema}.`)) continue;
    const check = checks.find((c) => c.constraint === constraint);
    if (check) return { entity, check };
  }
  return undefined;
}
