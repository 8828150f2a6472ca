import type { MikroORM } from '@mikro-orm/postgresql';
import type { IUser } from '@tessera/identity';
import { userFactory } from '@tessera/identity/testing';
import { createOrm } from '@tessera/kernel';
import { type PgBouncer, startPgBouncer, startTestServer, type TestServer } from '@tessera/test-server';
import { createTestDatabase } from '@tessera/testing';
import { APP_ROLE, WorkflowRepository } from '@tessera/workflows';
import { workflowFactory } from '@tessera/workflows/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platform } from '../src/composition.ts';

// Many clients acting for different users, interleaved through a real PgBouncer in transaction mode with few server
// connections: row-level security settings, roles and temporary objects must never reach another client.
const USERS = 12;
const WORKFLOWS_PER_USER = 4;
const CLIENTS = 24;
const SERVER_CONNECTIONS = 3;

let server: TestServer;
let bouncer: PgBouncer;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let orm: MikroORM;
let users: IUser[];

beforeAll(async () => {
  // The application's setting for PgBouncer 1.18 in transaction mode: no named prepared statements.
  process.env.TESSERA_DB_PREPARED_STATEMENTS = 'false';
  server = await startTestServer();
  process.env.TESSERA_TEST_ADMIN_URL = server.adminUrl;
  database = await createTestDatabase(platform.contexts);
  bouncer = await startPgBouncer({
    upstreamUrl: server.adminUrl,
    poolMode: 'transaction',
    poolSize: SERVER_CONNECTIONS,
    maxClientConnections: 200,
  });
  const name = new URL(database.url).pathname.slice(1);
  orm = await createOrm(database.composition, bouncer.url(name), {
    replicaSettings: { urls: [], maxLagMs: 1_000, checkIntervalMs: 500 },
    pool: { min: 0, max: CLIENTS },
  });
  users = [];
  for (let u = 0; u < USERS; u++) {
    const owner = await userFactory(orm.em.fork());
    users.push(owner);
    for (let w = 0; w < WORKFLOWS_PER_USER; w++) await workflowFactory(orm.em.fork(), { owner });
  }
}, 180_000);

afterAll(async () => {
  await orm?.close(true);
  await bouncer?.stop();
  await database?.drop();
  await server?.stop();
});

describe('PgBouncer in transaction mode', () => {
  it('repository reads for 12 users on 24 interleaved clients see only their own rows: 0 wrong rows', async () => {
    let wrong = 0;
    let reads = 0;
    const client = async (c: number) => {
      for (let i = 0; i < 20; i++) {
        const user = users[(c + i) % USERS] as IUser;
        const rows = await new WorkflowRepository(orm.em.fork(), { userId: user.id }).list({ limit: 500 });
        reads++;
        // Another user's row, or a missing own row, is a wrong row.
        wrong += rows.filter((w) => w.createdBy.id !== user.id).length + Math.max(0, WORKFLOWS_PER_USER - rows.length);
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
    expect(reads).toBe(CLIENTS * 20);
    expect(wrong).toBe(0);
  });

  it('settings, role and temporary tables of one client never reach the next: 0 leaks over 2,400 transactions', async () => {
    const name = new URL(database.url).pathname.slice(1);
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        const c = new pg.Client({ connectionString: bouncer.url(name) });
        c.on('error', () => {});
        await c.connect();
        return c;
      }),
    );
    const backendsPerClient = clients.map(() => new Set<number>());
    const leaks: string[] = [];
    try {
      await Promise.all(
        clients.map(async (c, n) => {
          for (let i = 0; i < 100; i++) {
            const user = users[(n + i) % USERS] as IUser;
            await c.query('begin');
            // What a fresh transaction must find, whoever ran on this server connection before.
            const { rows } = await c.query<{
              who: string;
              uid: string | null;
              su: string | null;
              temps: number;
              pid: number;
              seen: number;
            }>(
              `select current_user as who, current_setting('app.current_user_id', true) as uid,
                      current_setting('app.is_superuser', true) as su, pg_backend_pid() as pid,
                      (select count(*)::int from pg_class where relnamespace = pg_my_temp_schema()) as temps,
                      (select count(*)::int from workflows.workflows) as seen`,
            );
            const row = rows[0];
            if (row) {
              backendsPerClient[n]?.add(row.pid);
              if (row.who !== 'postgres') leaks.push(`role ${row.who}`);
              if (row.uid) leaks.push(`app.current_user_id ${row.uid}`);
              if (row.su) leaks.push(`app.is_superuser ${row.su}`);
              if (row.temps !== 0) leaks.push(`${row.temps} temporary object(s)`);
            }
            // What Tessera's repositories do in every transaction, plus a temporary table, then end it.
            await c.query(`set local role ${APP_ROLE}`);
            await c.query(
              `select set_config('app.current_user_id', $1, true), set_config('app.is_superuser', 'false', true)`,
              [user.id],
            );
            await c.query('create temporary table scratch (n int) on commit drop');
            const own = await c.query<{ n: number; others: number }>(
              `select count(*)::int as n, count(*) filter (where created_by <> $1)::int as others from workflows.workflows`,
              [user.id],
            );
            if (own.rows[0]?.others !== 0 || own.rows[0]?.n !== WORKFLOWS_PER_USER) {
              leaks.push(`user ${user.id} saw ${own.rows[0]?.n} rows, ${own.rows[0]?.others} of others`);
            }
            await c.query(i % 2 === 0 ? 'commit' : 'rollback');
          }
        }),
      );
    } finally {
      await Promise.all(clients.map((c) => c.end().catch(() => {})));
    }
    expect(leaks).toEqual([]);
    // The interleaving was real: 24 clients shared the pool's few server connections, and clients moved between them.
    const backends = new Set(backendsPerClient.flatMap((s) => [...s]));
    expect(backends.size).toBeLessThanOrEqual(SERVER_CONNECTIONS);
    expect(backendsPerClient.some((s) => s.size > 1)).toBe(true);
  });
});
