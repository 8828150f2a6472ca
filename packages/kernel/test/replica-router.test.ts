import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkReplicas,
  composeContexts,
  connectionSettings,
  createOrm,
  currentScope,
  newId,
  ReplicaRouter,
  sql,
  sqlBatch,
  uniqueSuffix,
  withConsistency,
  withReadScope,
} from '../src/index.ts';
import { kernelTest, useKernelDatabase } from './support/database.ts';

const db = useKernelDatabase();

/** A URL of the test database with another port: nothing listens on port 1. */
const unreachable = (url: string) => {
  const u = new URL(url);
  u.port = '1';
  u.password = 'secret-password';
  return u.toString();
};

describe('replicas that cannot serve: a primary given as a replica, and a server that is down', () => {
  let router: ReplicaRouter;
  beforeAll(async () => {
    router = new ReplicaRouter(
      db.url,
      { urls: [db.url, unreachable(db.url)], maxLagMs: 1000, checkIntervalMs: 60_000 },
      { ...connectionSettings({}), connectTimeoutMs: 2000 },
    );
    await router.start();
  });
  afterAll(() => router.close());

  it('marks both unusable with the reason, names them without user or password, and sends every read to the primary', async () => {
    const [notStandby, down] = router.status();
    expect(notStandby).toMatchObject({ usable: false, up: false, error: 'not a standby (not in recovery)' });
    expect(down).toMatchObject({ usable: false, up: false });
    expect(down?.error).toMatch(/ECONNREFUSED|connect/);
    expect(down?.replica).toBe(`${new URL(db.url).hostname}:1${new URL(db.url).pathname}`);
    expect(JSON.stringify(router.status())).not.toContain('secret-password');
    const scope = withReadScope(() => currentScope());
    for (const consistency of ['primary', 'replica', 'read-your-writes'] as const) {
      expect(await router.choose(consistency, scope)).toBe('primary');
    }
  });

  it('`tessera health` checks say the same, one replica at a time', async () => {
    const checked = await checkReplicas(db.url, [db.url, unreachable(db.url)], 2000);
    expect(checked.map((c) => c.up)).toEqual([false, false]);
    expect(checked[0]?.error).toBe('not a standby (not in recovery)');
    expect(JSON.stringify(checked)).not.toContain('secret-password');
  });
});

describe('an ORM with replicas configured that cannot serve', () => {
  it('reads and writes through the SQL path on the primary, with no error, in any consistency and scope', async () => {
    const orm = await createOrm(composeContexts([kernelTest]), db.url, {
      replicaSettings: { urls: [unreachable(db.url)], maxLagMs: 1000, checkIntervalMs: 60_000 },
    });
    try {
      const em = orm.em.fork();
      const name = `r${uniqueSuffix()}`.slice(0, 20);
      await withReadScope(async () => {
        await sql(em, {
          text: `insert into kt.teams (id, name, kind) values ($1, $2, 'club')`,
          values: [newId(), name],
        });
        const mine = await sql<{ name: string }>(em, {
          text: 'select name from kt.teams where name = $1',
          values: [name],
        });
        expect(mine).toEqual([{ name }]);
        const [rows] = await withConsistency('replica', () =>
          sqlBatch(em, [{ text: 'select count(*)::int as n from kt.teams where name = $1', values: [name] }]),
        );
        expect(rows).toEqual([{ n: 1 }]);
      });
    } finally {
      await orm.close(true);
    }
  });
});
