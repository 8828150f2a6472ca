import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { PrismaPg } from '@prisma/adapter-pg';
import { EventRepository } from '@tessera/audit';
import { HandClipRepository, SearchRepository } from '@tessera/catalog';
import { Execution, ExecutionRepository } from '@tessera/executions';
import { User, UserRepository } from '@tessera/identity';
import type { Composition } from '@tessera/kernel';
import { createOrm, sqlBatch } from '@tessera/kernel';
import { DocumentRepository } from '@tessera/knowledge';
import { NasRepository } from '@tessera/nas';
import { APP_ROLE, WorkflowRepository } from '@tessera/workflows';
import { desc, sql as dsql, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import {
  boolean,
  integer,
  jsonb,
  type PgColumn,
  type PgTable,
  pgSchema,
  smallint,
  text,
  timestamp,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { Kysely, sql as ksql, PostgresDialect } from 'kysely';
import pg from 'pg';
import postgres from 'postgres';
import { DataSource, EntitySchema } from 'typeorm';
import { HAND_CLIP_SEARCH_SQL } from '../../../packages/catalog/src/repositories/search.repository.ts';
import { LIST_TEXT } from '../../../packages/executions/src/repositories/execution.repository.ts';
import { visibleDocumentsSql } from '../../../packages/knowledge/src/security/access.ts';
import { PrismaClient } from '../generated/prisma/client.ts';
import type { Seeded } from './seed.ts';

/** One operation and its variants: each call runs the operation once with a fresh random argument. */
export interface Operation {
  name: string;
  variants: Record<string, () => Promise<unknown>>;
  /** At most this many measured calls per variant (and a tenth as many warm-up calls): for slow variants. */
  maxIterations?: number;
  /** Said under the operation's table: what it shows. */
  remark?: string;
  /**
   * Tessera runs it under row-level security: its fastest peer is judged among the variants doing the same security
   * work (named `…, RLS …`), the bare peers' fastest is shown beside it.
   */
  rls?: boolean;
}

const USER_COLUMNS =
  'id, email, username, full_name as "fullName", hashed_password as "hashedPassword", department, ' +
  'access_level as "accessLevel", is_active as "isActive", is_superuser as "isSuperuser", ' +
  'last_login_at as "lastLoginAt", created_at as "createdAt", updated_at as "updatedAt"';
const BY_EMAIL = `select ${USER_COLUMNS} from identity.users where email = $1`;
const BY_ID = `select ${USER_COLUMNS} from identity.users where id = $1`;
// The repository's own list statement: the raw variants run exactly what it sends.
const EXEC_LIST = LIST_TEXT;
const EXEC_BY_ID = 'select * from executions.executions where id = $1';
/** Row-level security's settings as Tessera sets them: the application role and the acting user, for the transaction. */
const RLS_SETTINGS = "select set_config('role', $1, true), set_config('app.current_user_id', $2, true)";
const WORKFLOW_BY_ID = 'select * from workflows.workflows where id = $1';
const INSERT_USER = 'insert into identity.users (id, email, username) values ($1, $2, $3) returning *';
// The metadata parameter is sent as text: postgres.js would JSON-encode a string bound to a jsonb parameter again.
const INSERT_DOCUMENT =
  'insert into knowledge.documents (id, title, content, document_type, source, access_level, department, metadata) ' +
  "values ($1, $2, $3, 'TXT', $4, 1, null, $5::text::jsonb) returning *";
const stamp = (name: string) => timestamp(name, { withTimezone: true });
const identity = pgSchema('identity');
const dUsers = identity.table('users', {
  id: uuid('id').primaryKey(),
  email: varchar('email', { length: 255 }).notNull(),
  username: varchar('username', { length: 100 }).notNull(),
  fullName: varchar('full_name', { length: 255 }),
  hashedPassword: varchar('hashed_password', { length: 255 }),
  department: varchar('department', { length: 50 }),
  accessLevel: smallint('access_level').notNull(),
  isActive: boolean('is_active').notNull(),
  isSuperuser: boolean('is_superuser').notNull(),
  lastLoginAt: stamp('last_login_at'),
  createdAt: stamp('created_at').notNull(),
  updatedAt: stamp('updated_at').notNull(),
});
const dExecutions = pgSchema('executions').table('executions', {
  id: uuid('id').primaryKey(),
  workflowId: uuid('workflow_id').notNull(),
  workflowVersionId: uuid('workflow_version_id').notNull(),
  triggeredBy: uuid('triggered_by').notNull(),
  status: text('status').notNull(),
  inputData: jsonb('input_data').notNull(),
  outputData: jsonb('output_data'),
  errorMessage: text('error_message'),
  startedAt: stamp('started_at'),
  completedAt: stamp('completed_at'),
  durationMs: integer('duration_ms'),
  retryCount: integer('retry_count').notNull(),
  metadata: jsonb('metadata').notNull(),
  createdAt: stamp('created_at').notNull(),
  updatedAt: stamp('updated_at').notNull(),
});
const dWorkflows = pgSchema('workflows').table('workflows', {
  id: uuid('id').primaryKey(),
  name: varchar('name', { length: 255 }).notNull(),
  description: text('description'),
  createdBy: uuid('created_by').notNull(),
  status: text('status').notNull(),
  currentVersionId: uuid('current_version_id'),
  tags: text('tags').array(),
  metadata: jsonb('metadata').notNull(),
  createdAt: stamp('created_at').notNull(),
  updatedAt: stamp('updated_at').notNull(),
});
const dDocuments = pgSchema('knowledge').table('documents', {
  id: uuid('id').primaryKey(),
  title: varchar('title', { length: 500 }).notNull(),
  content: text('content').notNull(),
  documentType: varchar('document_type', { length: 50 }).notNull(),
  source: varchar('source', { length: 500 }).notNull(),
  accessLevel: smallint('access_level').notNull(),
  department: varchar('department', { length: 50 }),
  metadata: jsonb('metadata'),
  createdAt: stamp('created_at').notNull().defaultNow(),
  updatedAt: stamp('updated_at').notNull().defaultNow(),
});

const TUser = new EntitySchema<Record<string, unknown>>({
  name: 'User',
  tableName: 'users',
  schema: 'identity',
  columns: {
    id: { type: 'uuid', primary: true },
    email: { type: String },
    username: { type: String },
    fullName: { type: String, name: 'full_name', nullable: true },
    hashedPassword: { type: String, name: 'hashed_password', nullable: true },
    department: { type: String, nullable: true },
    accessLevel: { type: 'smallint', name: 'access_level', default: 1 },
    isActive: { type: Boolean, name: 'is_active', default: true },
    isSuperuser: { type: Boolean, name: 'is_superuser', default: false },
    lastLoginAt: { type: 'timestamptz', name: 'last_login_at', nullable: true },
    createdAt: { type: 'timestamptz', name: 'created_at', createDate: true },
    updatedAt: { type: 'timestamptz', name: 'updated_at', updateDate: true },
  },
});
const TDocument = new EntitySchema<Record<string, unknown>>({
  name: 'Document',
  tableName: 'documents',
  schema: 'knowledge',
  columns: {
    id: { type: 'uuid', primary: true },
    title: { type: String },
    content: { type: String },
    documentType: { type: String, name: 'document_type' },
    source: { type: String },
    accessLevel: { type: 'smallint', name: 'access_level', default: 1 },
    department: { type: String, nullable: true },
    metadata: { type: 'jsonb', nullable: true },
  },
});

type Tag = (strings: TemplateStringsArray, ...values: unknown[]) => unknown;
/** A drizzle database or one of its transactions: where a query is built and runs. */
type DrizzleDb = Pick<ReturnType<typeof drizzle>, 'select'>;

/** `$n` SQL as a tagged-template call, for the libraries whose raw SQL is a template (postgres.js, drizzle, kysely). */
function tagged<T>(tag: Tag, text: string, values: readonly unknown[]): T {
  const parts = text.split(/\$(\d+)/);
  const strings: string[] = [];
  const args: unknown[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) strings.push(parts[i] as string);
    else args.push(values[Number(parts[i]) - 1]);
  }
  return tag(Object.assign(strings, { raw: strings }) as unknown as TemplateStringsArray, ...args) as T;
}

/**
 * drizzle's raw `execute` leaves timestamps as text (its query builder makes them Dates with `new Date(text)`); every
 * other variant returns Dates. So its rows get theirs the way its builder makes them, and it does the same work.
 */
function withDates<R extends { rows: Record<string, unknown>[]; fields: { name: string; dataTypeID: number }[] }>(
  result: R,
): R {
  const { TIMESTAMPTZ, TIMESTAMP } = pg.types.builtins;
  const stamps = result.fields
    .filter((f) => f.dataTypeID === TIMESTAMPTZ || f.dataTypeID === TIMESTAMP)
    .map((f) => f.name);
  for (const row of result.rows) {
    for (const name of stamps) {
      const value = row[name];
      if (typeof value === 'string') row[name] = new Date(value);
    }
  }
  return result;
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;

/** Every library connected to `url` (pools of 2), and the operations over them. */
export async function makeOperations(url: string, composition: Composition, s: Seeded) {
  // Every variant has connections of its own: a variant sharing a backend with another one ran faster (raw `pg`
  // named beside raw `pg` unnamed: 0.05 to 0.08 of a one-row lookup). So Tessera, Tessera with a fork per call and
  // plain MikroORM each get an ORM (and its pool) of their own, as each raw `pg` variant gets a pool.
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const unnamedPool = new pg.Pool({ connectionString: url, max: 2 });
  const simplePool = new pg.Pool({ connectionString: url, max: 2 });
  const ormOf = () => createOrm(composition, url, { pool: { min: 1, max: 2 } });
  const [orm, forkOrm, mikroOrm, bareOrm] = await Promise.all([ormOf(), ormOf(), ormOf(), ormOf()]);
  const kysely = new Kysely<Record<string, Record<string, unknown>>>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }),
  });
  const drizzlePool = new pg.Pool({ connectionString: url, max: 2 });
  const drz = drizzle({ client: drizzlePool });
  const pjs = postgres(url, { max: 2, onnotice: () => {} });
  // The variants doing row-level security's work as peers would (see withRls), on connections of their own.
  const rlsPool = new pg.Pool({ connectionString: url, max: 2 });
  const drizzleRlsPool = new pg.Pool({ connectionString: url, max: 2 });
  const drzRls = drizzle({ client: drizzleRlsPool });
  const pjsRls = postgres(url, { max: 2, onnotice: () => {} });
  const typeorm = new DataSource({ type: 'postgres', url, entities: [TUser, TDocument], extra: { max: 2 } });
  await typeorm.initialize();
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 2 }) });
  await prisma.$connect();

  /** drizzle's select of whole rows by one column, on `db` or a transaction; prepared, its fastest call for a lookup. */
  const dLookupOn = (db: DrizzleDb, table: PgTable, column: PgColumn, key: string) =>
    db
      .select()
      .from(table)
      .where(eq(column, dsql.placeholder(key)));
  const dLookup = (table: PgTable, column: PgColumn, key: string, name: string) =>
    dLookupOn(drz, table, column, key).prepare(name);
  const dExecListOn = (db: DrizzleDb) =>
    db
      .select({
        id: dExecutions.id,
        status: dExecutions.status,
        triggeredBy: dExecutions.triggeredBy,
        createdAt: dExecutions.createdAt,
      })
      .from(dExecutions)
      .where(eq(dExecutions.workflowId, dsql.placeholder('workflowId')))
      .orderBy(desc(dExecutions.createdAt))
      .limit(50);
  const dByEmail = dLookup(dUsers, dUsers.email, 'email', 'drizzle_by_email');
  const dById = dLookup(dUsers, dUsers.id, 'id', 'drizzle_by_id');
  const dExecList = dExecListOn(drz).prepare('drizzle_exec_list');
  const actor = { userId: s.owner };
  const viewer = s.viewer;
  const pattern = { tags: ['security', 'topic-2'] };
  // A pattern few documents match (26 of 100k at the full scale): the same statement text, another value.
  const rarePattern = { tags: ['topic-7'], author: 'author 13' };
  const docsPage = visibleDocumentsSql(viewer, { limit: 51 });
  const docById = (id: string) =>
    visibleDocumentsSql(viewer, {
      columns:
        'd.id, d.title, d.document_type, d.source, d.access_level, d.department, d.metadata, d.created_at, d.updated_at, d.content',
      where: (param) => `d.id = ${param(id)}`,
      limit: 1,
    });
  const term = 'call';

  /** The same `$n` statement through each library's raw-SQL API (where the operation has no natural builder call). */
  // postgres.js JSON-encodes a value bound to a json(b) parameter itself: it gets the parsed pattern (`pjsValues`).
  const rawVariants = (name: string, text: string, values: () => unknown[], pjsValues = values) => ({
    'pg named': () => pool.query({ name, text, values: values() }),
    'pg unnamed': () => unnamedPool.query(text, values()),
    kysely: () => tagged<{ execute(db: unknown): Promise<unknown> }>(ksql as Tag, text, values()).execute(kysely),
    drizzle: () => drz.execute(tagged(dsql as unknown as Tag, text, values())).then(withDates),
    'postgres.js': () => tagged<Promise<unknown>>(pjs as unknown as Tag, text, pjsValues()),
    typeorm: () => typeorm.query(text, values()),
    'prisma 7': () => prisma.$queryRawUnsafe(text, ...values()),
  });
  /** `$n` SQL with its values inlined as literals (trusted values only), for the simple protocol. */
  const inlined = (text: string, values: readonly unknown[]) =>
    text.replace(/\$(\d+)/g, (_, i: string) => `'${values[Number(i) - 1]}'`);
  const rlsOneTrip = (text: string, values: readonly unknown[]) =>
    `${inlined(RLS_SETTINGS, [APP_ROLE, s.owner])}; ${inlined(text, values)}`;

  /**
   * The same security work as Tessera's (the application role, the acting user, both ending with the transaction),
   * done the way each library does it: in a transaction, the settings first. raw `pg` and drizzle (its documented
   * way: `db.transaction`, `set_config` through `tx.execute`, then the query on `tx`) wait for each statement;
   * postgres.js pipelines the settings and the query in its `sql.begin`, and, on a reserved connection, can write
   * all four statements at once. Prepared where the library prepares.
   */
  const withRls = (
    op: string,
    text: string,
    values: () => unknown[],
    drizzleQuery: (tx: DrizzleDb) => {
      prepare(name: string): { execute(p: Record<string, unknown>): Promise<unknown> };
    },
    drizzleKey: string,
  ) => {
    const settings = [APP_ROLE, s.owner];
    return {
      'pg named, RLS in a transaction': async () => {
        const client = await rlsPool.connect();
        try {
          await client.query('begin');
          await client.query({ name: 'rls_settings', text: RLS_SETTINGS, values: settings });
          const result = await client.query({ name: `rls_${op}`, text, values: values() });
          await client.query('commit');
          return result;
        } catch (error) {
          await client.query('rollback');
          throw error;
        } finally {
          client.release();
        }
      },
      'drizzle prepared, RLS in a transaction': () =>
        drzRls.transaction(async (tx) => {
          await tx.execute(tagged(dsql as unknown as Tag, RLS_SETTINGS, settings));
          return drizzleQuery(tx)
            .prepare(`drizzle_rls_${op}`)
            .execute({ [drizzleKey]: values()[0] });
        }),
      // The fewest round trips a peer allows with bound values: on a reserved connection, BEGIN, the settings, the
      // query and COMMIT written together (postgres.js pipelines what is not awaited), in one round trip.
      'postgres.js, RLS in a transaction, all pipelined': async () => {
        const reserved = await pjsRls.reserve();
        const run = (sql: string, args: readonly unknown[] = []) =>
          tagged<Promise<unknown>>(reserved as unknown as Tag, sql, args);
        try {
          const [, , rows] = await Promise.all([
            run('begin'),
            run(RLS_SETTINGS, settings),
            run(text, values()),
            run('commit'),
          ]);
          return rows;
        } finally {
          reserved.release();
        }
      },
      'postgres.js, RLS pipelined in a transaction': async () => {
        const results = await pjsRls.begin((sql) => [
          tagged<Promise<unknown>>(sql as unknown as Tag, RLS_SETTINGS, settings),
          tagged<Promise<unknown>>(sql as unknown as Tag, text, values()),
        ]);
        return results[1];
      },
    };
  };

  /**
   * A row-level security lookup by id: raw `pg`, the peers' raw SQL and drizzle's prepared call running it bare,
   * and every peer doing the security work ({@link withRls}).
   */
  const rlsLookup = (op: string, text: string, table: PgTable, id: PgColumn, ids: readonly string[]) => {
    const prepared = dLookup(table, id, 'id', `drizzle_${op}`);
    return {
      ...rawVariants(op, text, () => [pick(ids)]),
      'drizzle prepared': () => prepared.execute({ id: pick(ids) }),
      ...withRls(
        op,
        text,
        () => [pick(ids)],
        (tx) => dLookupOn(tx, table, id, 'id'),
        'id',
      ),
    };
  };

  /**
   * Tessera's two variants of an operation: the repository over the ORM's EntityManager (as a service makes it once,
   * or per request under MikroORM's RequestContext, whose fork is then per request, not per call), and the same call
   * on a new `em.fork()` each time (a request that forks for just this one call pays MikroORM's fork on top).
   */
  const tessera = (call: (em: EntityManager) => Promise<unknown>) => ({
    Tessera: () => call(orm.em),
    'Tessera, em.fork() per call': () => call(forkOrm.em.fork()),
  });

  /** Visible documents whose metadata contains `p`, 100 per page; the raw variants share one statement name and text. */
  const containment = (p: Record<string, string | string[]>) => {
    const statement = visibleDocumentsSql(viewer, {
      where: (param) => `d.metadata @> ${param(JSON.stringify(p))}::jsonb`,
      limit: 101,
    });
    return {
      ...tessera((em) => new DocumentRepository(em).findByMetadata(viewer, p, { limit: 100 })),
      ...rawVariants(
        'docs_json',
        statement.text,
        () => statement.values,
        () => statement.values.map((v) => (v === JSON.stringify(p) ? pjs.json(p) : v)),
      ),
    };
  };

  /** A user looked up by one unique column, the same way through every library. */
  const userLookup = (
    name: string,
    column: 'email' | 'id',
    keys: readonly string[],
    prepared: { execute(values: Record<string, string>): Promise<unknown> },
    lookup: (repo: UserRepository, key: string) => Promise<unknown>,
  ): Operation => {
    const text = column === 'email' ? BY_EMAIL : BY_ID;
    return {
      name,
      variants: {
        ...tessera((em) => lookup(new UserRepository(em), pick(keys))),
        'pg named': () => pool.query({ name: `by_${column}`, text, values: [pick(keys)] }),
        'pg unnamed': () => unnamedPool.query(text, [pick(keys)]),
        'MikroORM em.findOne': () => mikroOrm.em.fork().findOne(User, { [column]: pick(keys) }),
        kysely: () => kysely.selectFrom('identity.users').selectAll().where(column, '=', pick(keys)).executeTakeFirst(),
        'drizzle prepared': () => prepared.execute({ [column]: pick(keys) }),
        'postgres.js': () => pjs`select * from identity.users where ${pjs(column)} = ${pick(keys)}`,
        typeorm: () => typeorm.getRepository(TUser).findOneBy({ [column]: pick(keys) }),
        'prisma 7': () =>
          prisma.user.findUnique({ where: column === 'email' ? { email: pick(keys) } : { id: pick(keys) } }),
      },
    };
  };

  let n = 0;
  const unique = () => `${process.pid}-${Date.now()}-${n++}`;

  const operations: Operation[] = [
    userLookup('user by e-mail (findByEmail)', 'email', s.emails, dByEmail, (repo, email) => repo.findByEmail(email)),
    userLookup('user by id', 'id', s.userIds, dById, (repo, id) => repo.getById(id)),
    {
      name: 'newest 50 executions of a workflow (RLS)',
      rls: true,
      variants: {
        ...tessera((em) => new ExecutionRepository(em, actor).listByWorkflow(pick(s.workflowIds), { limit: 50 })),
        ...rawVariants('exec_list', EXEC_LIST, () => [pick(s.workflowIds), 50]),
        'drizzle prepared': () => dExecList.execute({ workflowId: pick(s.workflowIds) }),
        ...withRls('exec_list', EXEC_LIST, () => [pick(s.workflowIds), 50], dExecListOn, 'workflowId'),
        // Not a product path: the repository's statement and row handling without the row-level security work (as
        // the table owner), so the run shows what that work costs.
        "Tessera's SQL path without row security": async () => {
          const [rows] = await sqlBatch(bareOrm.em, [
            { name: 'bench.exec_list', text: EXEC_LIST, values: [pick(s.workflowIds), 50] },
          ]);
          for (const row of rows as { createdAt: string | Date }[]) row.createdAt = new Date(row.createdAt);
          return rows;
        },
        'pg simple, RLS settings inlined (main)': () =>
          simplePool
            .query(rlsOneTrip(EXEC_LIST, [pick(s.workflowIds), 50]))
            .then((results) => (results as unknown as pg.QueryResult[]).at(-1)),
        'MikroORM em.find': () =>
          mikroOrm.em
            .fork()
            .find(Execution, { workflow: pick(s.workflowIds) }, { orderBy: { createdAt: 'desc' }, limit: 50 }),
      },
    },
    {
      name: 'execution by id (RLS)',
      rls: true,
      variants: {
        ...tessera((em) => new ExecutionRepository(em, actor).get(pick(s.executionIds))),
        ...rlsLookup('exec_by_id', EXEC_BY_ID, dExecutions, dExecutions.id, s.executionIds),
        'MikroORM em.findOne': () => mikroOrm.em.fork().findOne(Execution, { id: pick(s.executionIds) }),
      },
    },
    {
      name: 'workflow by id (RLS)',
      rls: true,
      variants: {
        ...tessera((em) => new WorkflowRepository(em, actor).get(pick(s.workflowIds))),
        ...rlsLookup('workflow_by_id', WORKFLOW_BY_ID, dWorkflows, dWorkflows.id, s.workflowIds),
      },
    },
    {
      name: 'audit event by id',
      variants: {
        ...tessera((em) => new EventRepository(em).get(pick(s.eventIds))),
        ...rawVariants('event_by_id', 'select * from audit.events where id = $1', () => [pick(s.eventIds)]),
      },
    },
    {
      name: 'NAS file by id',
      variants: {
        ...tessera((em) => new NasRepository(em).fileById(pick(s.nasFileIds))),
        ...rawVariants('nas_file_by_id', 'select * from nas.nas_files where id = $1', () => [pick(s.nasFileIds)]),
      },
    },
    {
      name: 'hand clip by id',
      variants: {
        ...tessera((em) => new HandClipRepository(em).getHandClip(pick(s.handClipIds))),
        // The columns Tessera returns (not the search vector).
        ...rawVariants(
          'clip_by_id',
          'select id, episode_id, video_file_id, hand_number, title, start_seconds, end_seconds, notes, board, ' +
            'pot_size, highlight_score, sheet_source, sheet_row_number, created_at, updated_at ' +
            'from catalog.hand_clips where id = $1 and deleted_at is null',
          () => [pick(s.handClipIds)],
        ),
      },
    },
    {
      name: 'documents visible to a user, page of 50',
      variants: {
        ...tessera((em) => new DocumentRepository(em).listVisible(viewer, { limit: 50 })),
        ...rawVariants('docs_page', docsPage.text, () => docsPage.values),
      },
    },
    {
      name: 'JSONB containment, 100 rows',
      variants: containment(pattern),
    },
    {
      // Right after the operation above, on the same connections: the statements that were prepared there (raw `pg`
      // named, postgres.js) now run that common pattern's plan for a value it does not suit.
      name: 'JSONB containment, a pattern few documents match (after the common one)',
      maxIterations: 100,
      remark:
        'A named statement is planned for its first values, and after five calls PostgreSQL may keep one generic ' +
        'plan for every value. For the common pattern above that plan walks the documents in id order and stops at ' +
        'the 101st match; for this pattern it walks every document, so it costs in proportion to the table (little ' +
        'at the tiny scale). Tessera sends containment unnamed, so each pattern is planned for its own value (the GIN ' +
        'index for this one): it pays that planning on every call above, and never this walk.',
      variants: containment(rarePattern),
    },
    {
      name: 'document by id (access rule)',
      variants: {
        ...tessera((em) => new DocumentRepository(em).getVisible(viewer, pick(s.documentIds))),
        ...(() => {
          const first = docById(pick(s.documentIds));
          return rawVariants('doc_by_id', first.text, () => docById(pick(s.documentIds)).values);
        })(),
      },
    },
    {
      name: 'ranked full-text search, page of 20',
      variants: {
        ...tessera((em) => new SearchRepository(em).searchHandClips(term, { limit: 20 })),
        ...rawVariants('fts', HAND_CLIP_SEARCH_SQL, () => [term, 21, 0]),
      },
    },
    {
      name: 'register a user',
      variants: {
        ...tessera((em) => {
          const u = unique();
          return new UserRepository(em).register({ email: `t${u}@bench.example`, username: `t${u}` });
        }),
        'pg named': () => {
          const u = unique();
          return pool.query({
            name: 'ins_user',
            text: INSERT_USER,
            values: [randomUUID(), `p${u}@b.example`, `p${u}`],
          });
        },
        'pg unnamed': () => {
          const u = unique();
          return unnamedPool.query(INSERT_USER, [randomUUID(), `q${u}@b.example`, `q${u}`]);
        },
        'MikroORM em.create + flush': async () => {
          const u = unique();
          const em = mikroOrm.em.fork();
          const user = em.create(User, { email: `m${u}@b.example`, username: `m${u}` } as never);
          await em.flush();
          return user;
        },
        kysely: () => {
          const u = unique();
          return kysely
            .insertInto('identity.users')
            .values({ id: randomUUID(), email: `k${u}@b.example`, username: `k${u}` })
            .returningAll()
            .executeTakeFirst();
        },
        drizzle: () => {
          const u = unique();
          return drz
            .insert(dUsers)
            .values({ id: randomUUID(), email: `d${u}@b.example`, username: `d${u}` } as never)
            .returning();
        },
        'postgres.js': () => {
          const u = unique();
          return pjs`insert into identity.users (id, email, username) values (${randomUUID()}, ${`j${u}@b.example`}, ${`j${u}`}) returning *`;
        },
        typeorm: () => {
          const u = unique();
          return typeorm.getRepository(TUser).insert({ id: randomUUID(), email: `o${u}@b.example`, username: `o${u}` });
        },
        'prisma 7': () => {
          const u = unique();
          return prisma.user.create({ data: { id: randomUUID(), email: `r${u}@b.example`, username: `r${u}` } });
        },
      },
    },
    {
      name: 'create a document',
      variants: {
        ...tessera((em) =>
          new DocumentRepository(em).create({
            title: 'Bench',
            content: 'body',
            documentType: 'TXT',
            source: '/bench/new',
            metadata: { a: 1 },
          }),
        ),
        ...(() => {
          const values = () => [randomUUID(), 'Bench', 'body', '/bench/new', JSON.stringify({ a: 1 })];
          const raw = rawVariants('ins_doc', INSERT_DOCUMENT, values);
          return {
            'pg named': raw['pg named'],
            'pg unnamed': raw['pg unnamed'],
            'postgres.js': raw['postgres.js'],
            drizzle: () =>
              drz
                .insert(dDocuments)
                .values({
                  id: randomUUID(),
                  title: 'Bench',
                  content: 'body',
                  documentType: 'TXT',
                  source: '/bench/new',
                  accessLevel: 1,
                  metadata: { a: 1 },
                })
                .returning(),
            typeorm: () =>
              typeorm.getRepository(TDocument).insert({
                id: randomUUID(),
                title: 'Bench',
                content: 'body',
                documentType: 'TXT',
                source: '/bench/new',
                metadata: { a: 1 },
              }),
            'prisma 7': () =>
              prisma.document.create({
                data: {
                  id: randomUUID(),
                  title: 'Bench',
                  content: 'body',
                  documentType: 'TXT',
                  source: '/bench/new',
                  metadata: { a: 1 },
                },
              }),
          };
        })(),
      },
    },
    {
      name: 'create a workflow (+ version 1, RLS)',
      variants: {
        ...tessera((em) =>
          new WorkflowRepository(em, actor).create({ name: `wf ${unique()}`, definition: { steps: [] } }),
        ),
        'pg named, one transaction': async () => {
          const client = await pool.connect();
          try {
            const id = randomUUID();
            const version = randomUUID();
            await client.query('begin');
            await client.query({
              name: 'wf_ins',
              text: "insert into workflows.workflows (id, name, created_by, status) values ($1, $2, $3, 'draft')",
              values: [id, `wf ${unique()}`, s.owner],
            });
            await client.query({
              name: 'wf_ver',
              text:
                'insert into workflows.workflow_versions (id, workflow_id, version_number, definition, created_by) ' +
                "values ($1, $2, 1, '{}', $3)",
              values: [version, id, s.owner],
            });
            const created = await client.query({
              name: 'wf_cur',
              text: 'update workflows.workflows set current_version_id = $1 where id = $2 returning *',
              values: [version, id],
            });
            await client.query('commit');
            return created;
          } finally {
            client.release();
          }
        },
      },
    },
    {
      name: 'start an execution (RLS)',
      variants: {
        ...tessera((em) => new ExecutionRepository(em, actor).start(pick(s.workflowIds))),
        'pg named': () =>
          pool.query({
            name: 'exec_start',
            text:
              'insert into executions.executions (id, workflow_id, workflow_version_id, triggered_by, status) ' +
              "select $1, w.id, w.current_version_id, $2, 'pending' from workflows.workflows w where w.id = $3 returning *",
            values: [randomUUID(), s.owner, pick(s.workflowIds)],
          }),
      },
    },
    {
      name: 'create a tag',
      variants: {
        ...tessera((em) => new HandClipRepository(em).createTag({ category: 'bench', name: `t${unique()}` })),
        'pg named': () =>
          pool.query({
            name: 'tag_ins',
            text: 'insert into catalog.tags (id, category, name) values ($1, $2, $3) returning *',
            values: [randomUUID(), 'bench', `p${unique()}`],
          }),
      },
    },
  ];

  return {
    operations,
    async close() {
      await Promise.allSettled([
        pool.end(),
        unnamedPool.end(),
        simplePool.end(),
        orm.close(),
        forkOrm.close(),
        bareOrm.close(),
        mikroOrm.close(),
        kysely.destroy(),
        drizzlePool.end(),
        pjs.end(),
        rlsPool.end(),
        drizzleRlsPool.end(),
        pjsRls.end(),
        typeorm.destroy(),
        prisma.$disconnect(),
      ]);
    },
  };
}
