import type { EntityManager } from '@mikro-orm/postgresql';
import pg from 'pg';
import { routerOf } from './replicas/repositories.ts';
import { isReplicaFailure, type ReplicaRouter, type ReplicaState } from './replicas/router.ts';
import { type Consistency, consistencyOr, currentScope } from './replicas/scope.ts';
import { noteStatement, type TranslationHint, translateDbError } from './translate.ts';

/**
 * The one raw SQL path of the kernel. A statement goes to PostgreSQL with bound parameters (never values
 * inlined into the text), as a named prepared statement when it has a `name`, on the connection of the
 * EntityManager's current transaction if there is one (else on a pooled connection), and is timed into the
 * same query and slow-query log as MikroORM's own queries. Database errors come back as the kernel's typed
 * errors naming the entity and field.
 *
 * With read replicas configured, a read outside a transaction goes where the replica router sends it for the
 * caller's consistency (the calling repository method's declared one, unless `withConsistency` chose), and a write
 * outside a transaction marks the caller's read scope as written, so its read-your-writes reads wait for it.
 * Without replicas none of that runs: one property check, no extra await.
 */

/** One SQL statement: `$1`-style placeholders, its values, and a name to prepare it once per connection. */
export interface Statement {
  /** Set on hot statements: parsed and planned once per connection, then only bound and executed. */
  readonly name?: string;
  readonly text: string;
  readonly values?: readonly unknown[];
  /**
   * The entity the statement writes, named in a data error (a value too long, out of range, of invalid syntax),
   * which PostgreSQL reports without a table. Constraint errors name theirs from the error itself.
   */
  readonly entity?: TranslationHint['entity'];
  /**
   * Where the statement may read with replicas configured, when neither the calling repository method's declared
   * consistency nor a `withConsistency` chose (default `read-your-writes`). Ignored for writes and in transactions.
   */
  readonly consistency?: Consistency;
}

/** What a statement returned: its rows (as PostgreSQL sent them) and the affected-row count. */
export interface SqlResult<R> {
  rows: R[];
  rowCount: number;
}

/** The part of kysely's connection MikroORM hands out inside a transaction; it forwards `sql` to `pg` as is. */
interface KyselyConnection {
  executeQuery(query: { sql: unknown; parameters: readonly unknown[]; query: unknown }): Promise<{ rows: unknown[] }>;
}
interface TransactionContext {
  getExecutor(): { provideConnection<T>(use: (connection: KyselyConnection) => Promise<T>): Promise<T> };
}
const RAW_NODE = Object.freeze({ kind: 'RawNode', sqlFragments: [], parameters: [] });

/** Statements whose Parse may or may not have reached the server before an error: re-prepared (close + parse). */
const UNSURE = Symbol('tessera.unsurePreparedStatements');
/** The texts of statements that never return a row: the batch asks for no row description for them. */
const ROWLESS = new Set<string>();
/** Per connection, the columns of each prepared statement and the row parsers pg built for them, once described. */
const DESCRIBED = Symbol('tessera.describedStatements');
type Tracked = { parsedStatements: Record<string, string>; submittedNamedStatements: Record<string, string> } & {
  [UNSURE]?: Set<string>;
  [DESCRIBED]?: Map<string, Described>;
};

/** What pg's Result builds from a row description (its fields, a parser per column, the empty row it copies). */
interface Described {
  readonly fields: unknown[];
  readonly parsers: unknown[] | undefined;
  readonly emptyRow: object | null;
}
/** The part of pg's Result that {@link Described} fills in (pg 8's own fields, pinned in the catalog). */
interface PgResult {
  fields: unknown[];
  _parsers: unknown[] | undefined;
  _prebuiltEmptyResultObject: object | null;
}

// pg's Query is a runtime class without public typings for its protocol hooks.
type PgQueryClass = new (
  config: object,
) => {
  submit(connection: unknown): Error | null;
  prepare(connection: unknown): void;
  handleError(error: unknown, connection: unknown): void;
  handleCommandComplete(message: unknown, connection: unknown): void;
  handleRowDescription(message: unknown): void;
  handleDataRow(message: unknown): void;
  callback?: (error: Error | null, result: unknown) => void;
  /** The result the next rows go to, and how pg starts the next statement's result. */
  _result: PgResult;
  _checkForMultirow(): void;
  _accumulateRows: unknown;
};
const PgQuery = (pg as unknown as { Query: PgQueryClass }).Query;

/**
 * Several statements sent in one message flight and closed by one Sync: one round trip, and PostgreSQL runs them
 * as one implicit transaction (so `set_config(…, true)` in the first holds for the next and is gone after).
 * Built on pg's own Query, whose result handling already collects several results.
 *
 * A prepared statement's columns are fixed once it is parsed: should a schema change alter them, PostgreSQL refuses
 * to run it (0A000) rather than return another shape, and the error makes the next call parse it again. So its row
 * description is asked for once per connection, and what pg builds from it (a parser per column, the empty row each
 * row copies) is kept: later executions send Bind and Execute only, and their rows are parsed with the kept parsers.
 * pg asks again on every execution and rebuilds the parsers each time, which costs more on the client than parsing
 * a one-row result (about 4 µs for 15 columns), besides the server's describe.
 */
class BatchQuery extends PgQuery {
  readonly #steps: readonly Statement[];
  /** Set when the batch is awaited (no callback given). */
  readonly #done: Promise<pg.QueryResult[]> | undefined;
  /** How many of the steps have completed: on an error, the index of the one that failed. */
  #completed = 0;
  /** Each step's values as pg sends them, mapped before anything is written. */
  #values: unknown[][] = [];
  /** The kept description of each step sent without a Describe. */
  readonly #kept: (Described | undefined)[] = [];
  /** The last step whose kept description went to the results. */
  #applied = -1;
  #described: Map<string, Described> | undefined;

  /** With `done`, the results go to it; without, await the batch itself. */
  constructor(steps: readonly Statement[], done?: (error: Error | null, results: pg.QueryResult[]) => void) {
    super({ text: steps.map((s) => s.text).join('; '), queryMode: 'extended' });
    this.#steps = steps;
    let report = done;
    this.#done = report
      ? undefined
      : new Promise((resolve, reject) => {
          report = (error, results) => (error ? reject(error) : resolve(results));
        });
    this.callback = (error, result) =>
      report?.(error, error ? [] : ((Array.isArray(result) ? result : [result]) as pg.QueryResult[]));
  }

  /** Lets `await client.query(batch)` (and kysely's connection) wait for the results. */
  // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose, see above
  then<T>(resolve: (r: { rows: pg.QueryResult[] }) => T, reject?: (e: unknown) => T): Promise<T> {
    const done = this.#done ?? Promise.reject(new Error('a batch given a callback reports there, it is not awaited'));
    return done.then((results) => resolve({ rows: results }), reject);
  }

  /**
   * Everything that can fail on the client (a name given to another SQL text, a value pg cannot send) is checked
   * before the first message is written: an error then fails this query alone, through pg's own path, and nothing
   * of the batch reaches the server. (Thrown while writing, it would leave pg's client waiting for a reply forever.)
   */
  override submit(connection: Tracked & PgConnection): Error | null {
    try {
      this.#values = this.#steps.map((step) => {
        const name = preparedName(step.name);
        const known = name && (connection.parsedStatements[name] ?? connection.submittedNamedStatements[name]);
        if (known && known !== step.text) throw new Error(`prepared statement "${name}" names another SQL text`);
        return (step.values ?? []).map((value) => prepareValue(value));
      });
    } catch (error) {
      return error as Error;
    }
    return super.submit(connection);
  }

  override prepare(connection: Tracked & PgConnection): void {
    const unsure = unsureOf(connection);
    const described = describedOf(connection);
    this.#described = described;
    this.#steps.forEach((step, i) => {
      const name = preparedName(step.name) ?? '';
      const { text } = step;
      const known = name && (connection.parsedStatements[name] ?? connection.submittedNamedStatements[name]);
      if (!known || unsure.has(name)) {
        if (name && unsure.delete(name)) connection.close({ type: 'S', name });
        connection.parse({ text, name });
        if (name) {
          connection.submittedNamedStatements[name] = text;
          described.delete(name);
        }
      }
      connection.bind({ portal: '', statement: name, values: this.#values[i] ?? [] });
      const kept = name ? described.get(name) : undefined;
      if (kept) this.#kept[i] = kept;
      else if (!ROWLESS.has(text)) connection.describe({ type: 'P', name: '' });
      connection.execute({ portal: '', rows: 0 });
    });
    connection.sync();
  }

  override handleRowDescription(message: unknown): void {
    super.handleRowDescription(message);
    const name = preparedName(this.#steps[this.#completed]?.name);
    if (name) {
      const result = this._result;
      this.#described?.set(name, {
        fields: result.fields,
        parsers: result._parsers,
        emptyRow: result._prebuiltEmptyResultObject,
      });
    }
  }

  override handleDataRow(message: unknown): void {
    this.#applyKept();
    super.handleDataRow(message);
  }

  /** A step sent without a Describe gets its kept columns and parsers, as its row description would have given. */
  #applyKept(): void {
    const step = this.#completed;
    const kept = this.#kept[step];
    if (kept === undefined || this.#applied === step) return;
    this.#applied = step;
    this._checkForMultirow();
    const result = this._result;
    result.fields = kept.fields;
    result._parsers = kept.parsers;
    result._prebuiltEmptyResultObject = kept.emptyRow;
    this._accumulateRows = true;
  }

  override handleCommandComplete(message: unknown, connection: unknown): void {
    // A step without rows whose description was kept: its result still gets its columns.
    this.#applyKept();
    this.#completed++;
    super.handleCommandComplete(message, connection);
  }

  override handleError(error: unknown, connection: Tracked): void {
    noteStatement(error, this.#steps[this.#completed]?.text ?? '');
    // The server skips everything after an error up to the Sync: a Parse of this batch may not have run.
    const unsure = unsureOf(connection);
    for (const step of this.#steps) {
      const name = preparedName(step.name);
      if (name) unsure.add(name);
    }
    super.handleError(error, connection);
  }
}

function unsureOf(connection: Tracked): Set<string> {
  connection[UNSURE] ??= new Set();
  return connection[UNSURE];
}

function describedOf(connection: Tracked): Map<string, Described> {
  connection[DESCRIBED] ??= new Map();
  return connection[DESCRIBED];
}

interface PgConnection {
  parse(m: { text: string; name: string }): void;
  bind(m: object): void;
  describe(m: object): void;
  execute(m: object): void;
  close(m: object): void;
  sync(): void;
}
const prepareValue = (pg as unknown as { utils: { prepareValue(v: unknown): unknown } }).utils.prepareValue;

/** The kysely transaction MikroORM runs the EntityManager's current transaction on, if any. */
function transactionOf(em: EntityManager): TransactionContext | undefined {
  return em.getTransactionContext() as TransactionContext | undefined;
}

/** Where statements outside a transaction run: the primary's pool, and the replica router when there is one. */
interface Route {
  /** MikroORM's pg pool of the primary. */
  readonly pool: pg.Pool;
  /** Undefined when no replica is configured: every statement runs on {@link pool}. */
  readonly router: ReplicaRouter | undefined;
  /** The replicas' MikroORM connections, by the router's index, and their pg pools once first used. */
  readonly replicas: readonly { getNativeClient(): Promise<unknown> }[];
  readonly replicaPools: (pg.Pool | undefined)[];
}

const routes = new WeakMap<object, Route>();

/** The route of the EntityManager's connection (looked up once per connection: the lookup is async). */
function routeOf(em: EntityManager): Route | Promise<Route> {
  return knownRoute(em) ?? routeLookup(em, em.getConnection());
}

/** The route once {@link routeOf} has looked it up: a hot path awaits only the first lookup. */
function knownRoute(em: EntityManager): Route | undefined {
  return routes.get(em.getConnection());
}

async function routeLookup(em: EntityManager, connection: ReturnType<EntityManager['getConnection']>) {
  const pool = (await connection.getNativeClient()) as unknown as pg.Pool;
  const router = routerOf(em);
  const replicas = router
    ? (em.getDriver() as unknown as { replicas: { getNativeClient(): Promise<unknown> }[] }).replicas
    : [];
  const route: Route = { pool, router, replicas, replicaPools: [] };
  routes.set(connection, route);
  return route;
}

/** Reads only (no data-modifying CTE); anything else, and a read that turns out to write, runs on the primary. */
const READ = /^\s*(select|values|table|show)\b/i;
const WITH = /^\s*with\b/i;
const MODIFYING = /\b(insert|update|delete|merge)\b/i;

function isRead(text: string): boolean {
  return READ.test(text) || (WITH.test(text) && !MODIFYING.test(text));
}

/**
 * Runs a statement (or batch) outside a transaction with replicas configured: a write on the primary, then the
 * caller's scope marked as written; a read on the server the router picks for the caller's consistency, moved to
 * the primary when that replica fails for a connection reason or refuses the statement as a write.
 */
async function routed<T>(
  route: Route,
  router: ReplicaRouter,
  read: boolean,
  consistency: Consistency | undefined,
  run: (pool: pg.Pool) => Promise<T>,
): Promise<T> {
  const scope = currentScope();
  if (!read) {
    try {
      return await run(route.pool);
    } finally {
      scope.noteWrite();
    }
  }
  const target = await router.choose(consistencyOr(consistency), scope);
  if (target === 'primary') return run(route.pool);
  let pool = route.replicaPools[target];
  try {
    if (!pool) {
      pool = (await route.replicas[target]?.getNativeClient()) as pg.Pool;
      route.replicaPools[target] = pool;
    }
    return await run(pool);
  } catch (error) {
    // 25006: a read-only transaction refused it, so it writes (`select` of a function that inserts, say).
    const writes = (error as { code?: unknown } | null)?.code === '25006';
    if (!writes && !isReplicaFailure(error)) throw error;
    if (writes) (router.states[target] as ReplicaState).served--;
    else router.markFailed(target, error);
    router.primaryReads++;
    if (!writes) return run(route.pool);
    try {
      return await run(route.pool);
    } finally {
      scope.noteWrite();
    }
  }
}

/** The time a statement took, into MikroORM's query log and slow-query log (neither ever writes values). */
export function logged(em: EntityManager, text: string, started: number, failed: boolean): void {
  (em.getConnection() as unknown as { logQuery(q: string, c: object): void }).logQuery(text, {
    took: Date.now() - started,
    ...(failed ? { level: 'error' } : {}),
  });
}

/** Hands a pg query (config or Submittable such as a COPY stream) to the connection; resolves when pg does. */
export type Submit = (query: object & { values?: readonly unknown[] }) => Promise<unknown>;

/**
 * Runs `use` on one connection: the one of the EntityManager's current transaction, else a pooled one held for
 * the call. For several steps that must share a connection (a check, then a COPY). Errors are not translated here.
 */
export async function onConnection<T>(em: EntityManager, use: (submit: Submit) => Promise<T>): Promise<T> {
  const ctx = transactionOf(em);
  if (ctx) {
    // kysely hands `sql` to pg's client.query unchanged, so configs and Submittables pass through it.
    return ctx
      .getExecutor()
      .provideConnection((c) =>
        use((query) => c.executeQuery({ sql: query, parameters: query.values ?? [], query: RAW_NODE })),
      );
  }
  return onPool((await routeOf(em)).pool, use);
}

/**
 * Sends `steps` in one round trip on a connection of `pool`, held for the call: callbacks from the checkout to the
 * results and one promise for the caller (the hot reads' path, so it takes the fewest turns through pg).
 */
function stepsOnPool(pool: pg.Pool, steps: readonly Statement[]): Promise<pg.QueryResult[]> {
  return new Promise((resolve, reject) => {
    pool.connect((error, client, release) => {
      if (error || !client) {
        reject(error);
        return;
      }
      const batch = new BatchQuery(steps, (failure, results) => {
        release();
        if (failure) reject(failure);
        else resolve(results);
      });
      client.query(batch as unknown as pg.QueryConfig);
    });
  });
}

/** Runs `use` on a connection of `pool`, held for the call. */
async function onPool<T>(pool: pg.Pool, use: (submit: Submit) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await use((query) => Promise.resolve(client.query(query as pg.QueryConfig)));
  } finally {
    client.release();
  }
}

/** Runs one statement and returns its rows; see the module comment. */
export async function sql<R = Record<string, unknown>>(em: EntityManager, statement: Statement): Promise<R[]> {
  return (await sqlResult<R>(em, statement)).rows;
}

/** Like {@link sql}, with the affected-row count (for UPDATE and DELETE). */
export async function sqlResult<R = Record<string, unknown>>(
  em: EntityManager,
  statement: Statement,
): Promise<SqlResult<R>> {
  const started = Date.now();
  try {
    let result: pg.QueryResult;
    if (transactionOf(em)) {
      result = await onConnection(em, (submit) => oneOn(submit, statement));
    } else {
      const route = knownRoute(em) ?? (await routeOf(em));
      const steps = [statement];
      const results =
        route.router === undefined
          ? await stepsOnPool(route.pool, steps)
          : await routed(route, route.router, isRead(statement.text), statement.consistency, (pool) =>
              stepsOnPool(pool, steps),
            );
      result = results[0] as pg.QueryResult;
    }
    logged(em, statement.text, started, false);
    return { rows: result.rows as R[], rowCount: Number(result.rowCount ?? result.rows.length) };
  } catch (error) {
    logged(em, statement.text, started, true);
    throw translateDbError(error, em.getMetadata(), { entity: statement.entity });
  }
}

/** Options of {@link sqlBatch}. */
export interface BatchOptions {
  /**
   * Settings (`role` included) the batch's statements run under, set first with `set_config(…, true)`. Outside a
   * transaction they end with the batch; inside the caller's transaction the batch restores the previous values at
   * its end, so they never leak into the rest of that transaction.
   */
  readonly settings?: Readonly<Record<string, string>>;
  /** Where the batch may read with replicas configured; see {@link Statement.consistency}. */
  readonly consistency?: Consistency;
}

interface SettingTemplates {
  readonly keys: readonly string[];
  readonly set: Statement;
  readonly save?: Statement;
  readonly restore?: Statement;
}

/** The setting statements' texts and names, per set of setting names (a handful per process): built once each. */
const settingTemplates = new Map<string, SettingTemplates>();

function templatesFor(keys: readonly string[], inTransaction: boolean): SettingTemplates {
  const cacheKey = `${inTransaction ? 't' : 'a'}:${keys.join('\u0000')}`;
  let templates = settingTemplates.get(cacheKey);
  if (templates === undefined) {
    const saved = (i: number) => `'tessera_saved.s${i}'`;
    const setText = rowless(keys.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`));
    const set = { name: statementName('tessera.settings', setText), text: setText };
    if (inTransaction) {
      const saveText = rowless(
        keys.map((_, i) => `set_config(${saved(i)}, coalesce(current_setting($${i + 1}, true), ''), true)`),
      );
      const restoreText = rowless(keys.map((_, i) => `set_config($${i + 1}, current_setting(${saved(i)}), true)`));
      templates = {
        keys,
        set,
        save: { name: statementName('tessera.save_settings', saveText), text: saveText, values: keys },
        restore: { name: statementName('tessera.restore_settings', restoreText), text: restoreText, values: keys },
      };
    } else {
      templates = { keys, set };
    }
    settingTemplates.set(cacheKey, templates);
  }
  return templates;
}

/**
 * A statement that evaluates `calls` (each returns text, never null) and returns no row: nothing to describe,
 * parse or build on the client, which is most of what a setting statement cost there.
 */
function rowless(calls: readonly string[]): string {
  const text = `select where (${calls.join(' || ')}) is null`;
  ROWLESS.add(text);
  return text;
}

/** The statements that set `settings` (saving the current values first inside a transaction) and restore them. */
function settingSteps(settings: Readonly<Record<string, string>>, inTransaction: boolean) {
  const { keys, set, save, restore } = templatesFor(Object.keys(settings), inTransaction);
  const values: string[] = new Array(keys.length * 2);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    values[2 * i] = key;
    values[2 * i + 1] = settings[key] as string;
  }
  const assign: Statement = { name: set.name, text: set.text, values };
  return save && restore ? { before: [save, assign], after: [restore] } : { before: [assign], after: [] };
}

/**
 * Sets `settings` (`role` included) for the rest of `tx`'s transaction and returns the values they had, which set
 * back the same way: one round trip. For work that spans several round trips (a unit of work's flush) inside a
 * caller's transaction; a single batch takes `settings` in {@link sqlBatch} instead. A setting never set reads as
 * '' (`role` as `none`), and both set back as well. A rollback to a savepoint taken before undoes the swap too.
 */
export async function swapSettings(
  tx: EntityManager,
  settings: Readonly<Record<string, string>>,
): Promise<Record<string, string>> {
  const keys = Object.keys(settings);
  const readText = `select ${keys.map((_, i) => `coalesce(current_setting($${i + 1}, true), '') as s${i}`).join(', ')}`;
  const read: Statement = { name: statementName('tessera.read_settings', readText), text: readText, values: keys };
  const [previous] = await sqlBatch(tx, [read, ...settingSteps(settings, false).before]);
  const row = (previous?.[0] ?? {}) as Record<string, string>;
  return Object.fromEntries(keys.map((key, i) => [key, row[`s${i}`] as string]));
}

/** Runs one statement on `submit`'s connection; pg's result of it. */
async function oneOn(submit: Submit, statement: Statement): Promise<pg.QueryResult> {
  const query = new BatchQuery([statement]);
  await submit(query);
  return (await query).rows[0] as pg.QueryResult;
}

/** Sends `statements` on `submit`'s connection in one round trip (see {@link sqlBatch}); each one's rows. */
export async function batchOn(
  submit: Submit,
  statements: readonly Statement[],
  inTransaction: boolean,
  options: BatchOptions = {},
): Promise<unknown[][]> {
  const { steps, rowsOf } = batchSteps(statements, inTransaction, options);
  const batch = new BatchQuery(steps);
  await submit(batch);
  return rowsOf((await batch).rows);
}

/** The batch's statements with the setting steps around them, and how to pick the statements' rows from the results. */
function batchSteps(statements: readonly Statement[], inTransaction: boolean, options: BatchOptions) {
  const { before, after } = options.settings
    ? settingSteps(options.settings, inTransaction)
    : { before: [], after: [] };
  const steps = before.length === 0 && after.length === 0 ? statements : [...before, ...statements, ...after];
  const rowsOf = (results: readonly pg.QueryResult[]) =>
    statements.map((_, i) => (results[i + before.length]?.rows ?? []) as unknown[]);
  return { steps, rowsOf };
}

/**
 * Runs several statements in one round trip and returns each one's rows. Outside a transaction PostgreSQL runs
 * them as one implicit transaction (all or nothing); inside the caller's transaction they are part of it. With
 * `settings` (row-level security's role and variables, say) they run under those settings, which end with the
 * batch either way. With replicas configured, a batch of reads outside a transaction is routed like one read
 * statement (see the module comment); a batch with any write runs on the primary.
 */
export async function sqlBatch(
  em: EntityManager,
  statements: readonly Statement[],
  options: BatchOptions = {},
): Promise<unknown[][]> {
  const text = statements.map((s) => s.text).join('; ');
  const started = Date.now();
  try {
    let rows: unknown[][];
    if (transactionOf(em)) {
      rows = await onConnection(em, (submit) => batchOn(submit, statements, true, options));
    } else {
      const route = knownRoute(em) ?? (await routeOf(em));
      const { steps, rowsOf } = batchSteps(statements, false, options);
      rows = rowsOf(
        route.router === undefined
          ? await stepsOnPool(route.pool, steps)
          : await routed(route, route.router, statements.every(readStatement), options.consistency, (pool) =>
              stepsOnPool(pool, steps),
            ),
      );
    }
    logged(em, text, started, false);
    return rows;
  } catch (error) {
    logged(em, text, started, true);
    throw translateDbError(error, em.getMetadata(), { entity: statements.find((s) => s.entity)?.entity });
  }
}

const readStatement = (s: Statement) => isRead(s.text);

/** Whether the EntityManager is inside a transaction (the SQL path then runs on its connection). */
export function inTransaction(em: EntityManager): boolean {
  return transactionOf(em) !== undefined;
}

let prepared: boolean | undefined;

/**
 * The statement's name, or undefined when named prepared statements are off: `TESSERA_DB_PREPARED_STATEMENTS=false`
 * for a transaction pooler that cannot keep them (PgBouncer before 1.21 hands each transaction another server
 * session, where the statement was never prepared). Statements still send bound parameters, planned per call.
 */
function preparedName(name: string | undefined): string | undefined {
  prepared ??= !/^(false|0|off|no)$/i.test(process.env.TESSERA_DB_PREPARED_STATEMENTS?.trim() ?? '');
  return prepared ? name : undefined;
}

const names = new Map<string, string>();

/**
 * A stable prepared-statement name for SQL text built from a few fixed variants (optional filters, say): the
 * same text gets the same name for the life of the process, each new text `prefix.N`.
 */
export function statementName(prefix: string, text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `${prefix}.${names.size}`;
    names.set(text, name);
  }
  return name;
}
