import { copyRows, createOrm, sql, sqlBatch, sqlResult, statementName, UniqueViolationError } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { identity } from '../src/context.ts';
import { userFactory } from '../src/testing.ts';

// The kernel's one SQL path and COPY writer, on a real context's tables.
const db = useTestDatabase(identity);

const backendPid = 'select pg_backend_pid() as pid';

describe('kernel SQL path', () => {
  it('sends bound parameters and prepares a named statement once per connection', async () => {
    const user = await userFactory(db.em());
    const statement = {
      name: 'test.users.by_email',
      text: 'select id from identity.users where email = $1',
      values: [user.email],
    };
    expect(await sql(db.em(), statement)).toEqual([{ id: user.id }]);
    expect(await sql(db.em(), { ...statement, values: ["nobody' or '1'='1"] })).toEqual([]);
    // On one connection (a transaction's), the statement is prepared server-side under its name; with prepared
    // statements turned off (the setting for a transaction pooler that cannot keep them) it is not prepared at all.
    const preparedStatementsOff = process.env.TESSERA_DB_PREPARED_STATEMENTS === 'false';
    await db.em().transactional(async (tx) => {
      await sql(tx, statement);
      await sql(tx, statement);
      const prepared = await sql<{ statement: string }>(tx, {
        text: 'select statement from pg_prepared_statements where name = $1',
        values: ['test.users.by_email'],
      });
      expect(prepared).toEqual(preparedStatementsOff ? [] : [{ statement: statement.text }]);
    });
  });

  it("runs inside the caller's transaction and sees its uncommitted rows", async () => {
    const em = db.em();
    await em
      .transactional(async (tx) => {
        const [outer] = await tx.execute<{ pid: number }[]>(backendPid);
        const [inner] = await sql<{ pid: number }>(tx, { text: backendPid });
        expect(inner?.pid).toBe(outer?.pid);
        await sql(tx, {
          text: "insert into identity.users (id, email, username) values (gen_random_uuid(), 'tx@example.com', 'tx')",
        });
        expect(await sql(tx, { text: "select 1 from identity.users where username = 'tx'" })).toHaveLength(1);
        throw Object.assign(new Error('roll back'), { rollBack: true });
      })
      .catch((error: { rollBack?: boolean }) => {
        if (!error.rollBack) throw error;
      });
    expect(await db.query("select 1 from identity.users where username = 'tx'")).toHaveLength(0);
  });

  it('translates a constraint violation into the typed error naming the field', async () => {
    const user = await userFactory(db.em());
    const error = await sql(db.em(), {
      name: 'test.users.insert',
      text: 'insert into identity.users (id, email, username) values (gen_random_uuid(), $1, $2)',
      values: [`other-${user.email}`, user.username],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(error).toMatchObject({ entity: 'User', field: 'username' });
  });

  it('reports affected rows', async () => {
    const user = await userFactory(db.em());
    const result = await sqlResult(db.em(), {
      text: 'update identity.users set full_name = $1 where id = $2',
      values: ['Renamed', user.id],
    });
    expect(result.rowCount).toBe(1);
  });

  it('runs a batch under its settings, which end with it', async () => {
    const [inside] = await sqlBatch(
      db.em(),
      [{ name: 'test.read_probe', text: "select current_setting('app.probe', true) as v" }],
      { settings: { 'app.probe': 'set' } },
    );
    expect(inside).toEqual([{ v: 'set' }]);
    const after = await sql<{ v: string | null }>(db.em(), { text: "select current_setting('app.probe', true) as v" });
    expect(after[0]?.v ?? '').toBe('');
  });

  it("inside the caller's transaction, keeps its writes but not its settings", async () => {
    await db.em().transactional(async (tx) => {
      await sql(tx, { text: "select set_config('app.probe', 'caller', true)" });
      const [inside] = await sqlBatch(
        tx,
        [
          {
            text: "insert into identity.users (id, email, username) values (gen_random_uuid(), 'kept@example.com', 'kept')",
          },
          { text: "select current_setting('app.probe', true) as v" },
        ],
        { settings: { 'app.probe': 'batch' } },
      ).then((r) => r.slice(1));
      expect(inside).toEqual([{ v: 'batch' }]);
      const [later] = await sql<{ v: string | null }>(tx, { text: "select current_setting('app.probe', true) as v" });
      expect(later?.v).toBe('caller');
    });
    expect(await db.query("select 1 from identity.users where username = 'kept'")).toHaveLength(1);
  });

  it('is all or nothing, and re-prepares its statements on the next call after an error', async () => {
    const user = await userFactory(db.em());
    const insert = (username: string) => ({
      name: 'test.batch.insert',
      text: 'insert into identity.users (id, email, username) values (gen_random_uuid(), $1, $2)',
      values: [`${username}@example.com`, username],
    });
    const failed = await sqlBatch(db.em(), [insert('batch-a'), insert(user.username)]).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(UniqueViolationError);
    expect(await db.query("select 1 from identity.users where username = 'batch-a'")).toHaveLength(0);
    await sqlBatch(db.em(), [insert('batch-b'), insert('batch-c')]);
    expect(await db.query("select 1 from identity.users where username in ('batch-b', 'batch-c')")).toHaveLength(2);
  });

  it('logs a statement at or over the slow-query threshold, without its values', async () => {
    const lines: string[] = [];
    const orm = await createOrm(db.composition, db.url, {
      pool: { min: 0, max: 1 },
      slowQueryThreshold: 0,
      slowQueryLoggerFactory: () => ({
        logQuery: (c: { query?: string }) => lines.push(String(c.query)),
        log() {},
        error() {},
        warn() {},
        setDebugMode() {},
        isEnabled: () => true,
      }),
    });
    try {
      await sql(orm.em.fork(), { text: 'select $1::text as secret', values: ['hunter2'] });
    } finally {
      await orm.close();
    }
    expect(lines.some((l) => l.includes('select $1::text as secret'))).toBe(true);
    expect(lines.join('\n')).not.toContain('hunter2');
  });

  it('names each SQL text once', () => {
    const a = statementName('test.names', 'select 1');
    expect(statementName('test.names', 'select 1')).toBe(a);
    expect(statementName('test.names', 'select 2')).not.toBe(a);
  });
});

describe('kernel COPY writer', () => {
  it('streams rows produced lazily, escaping text, and counts them', async () => {
    function* users() {
      for (let i = 0; i < 3000; i++) {
        yield [crypto.randomUUID(), `copy${i}@example.com`, i === 0 ? 'tab\there \\ new\nline' : `copy${i}`, null];
      }
    }
    const n = await copyRows(db.em(), 'identity.users', ['id', 'email', 'username', 'full_name'], users());
    expect(n).toBe(3000);
    const rows = await db.query<{ username: string; full_name: string | null }>(
      `select username, full_name from identity.users where email = 'copy0@example.com'`,
    );
    expect(rows).toEqual([{ username: 'tab\there \\ new\nline', full_name: null }]);
  });

  it("writes inside the caller's transaction, and a violation is typed and writes nothing", async () => {
    const user = await userFactory(db.em());
    const error = await db
      .em()
      .transactional((tx) =>
        copyRows(
          tx,
          'identity.users',
          ['id', 'email', 'username'],
          [
            [crypto.randomUUID(), 'fresh@example.com', 'fresh'],
            [crypto.randomUUID(), 'dup@example.com', user.username],
          ],
        ),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(await db.query("select 1 from identity.users where username = 'fresh'")).toHaveLength(0);
  });
});
