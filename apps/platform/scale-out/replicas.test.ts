import type { MikroORM } from '@mikro-orm/postgresql';
import { identity, RoleRepository } from '@tessera/identity';
import {
  composeContexts,
  createOrm,
  type ReplicaRouter,
  routerOf,
  withConsistency,
  withReadScope,
} from '@tessera/kernel';
import { migrateDatabase, type ReplicatedServer, startReplicatedServer } from '@tessera/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A real primary with a real streaming replica (pg_basebackup + hot standby), started for this file. Part of the
// scale-out suite (`pnpm --filter @tessera/platform test:scale-out`), which CI runs once: 10,000 round trips.
const ITER = Number(process.env.ITER ?? 10_000);
let server: ReplicatedServer;
let orm: MikroORM;
let router: ReplicaRouter;

async function replicaSql(sql: string): Promise<void> {
  await server.sql('replica', sql);
}

beforeAll(async () => {
  server = await startReplicatedServer();
  const url = await server.createDatabase('replicas_identity');
  const composition = composeContexts([identity]);
  await migrateDatabase(composition, url);
  await server.waitForReplay();
  // A lag budget far above the test's length: a paused replica stays "usable" for lag-tolerant reads, so only
  // the read-your-writes rule can keep the reads below correct.
  orm = await createOrm(composition, url, {
    replicaSettings: { urls: [server.replicaUrlFor(url)], maxLagMs: 600_000, checkIntervalMs: 20 },
  });
  router = routerOf(orm.em) as ReplicaRouter;
}, 120_000);

afterAll(async () => {
  await orm?.close(true);
  await server?.stop();
});

const served = () => router.status()[0]?.served ?? 0;

describe('read-your-writes against a lagging replica', () => {
  it('10,000 write-then-read iterations with replay paused give 0 stale reads', async () => {
    await replicaSql('select pg_wal_replay_pause()');
    let stale = 0;
    for (let i = 0; i < ITER; i++) {
      await withReadScope(async () => {
        await new RoleRepository(orm.em.fork()).create({ name: `paused-${i}` });
        const read = await new RoleRepository(orm.em.fork()).findByName(`paused-${i}`);
        if (read?.name !== `paused-${i}`) stale++;
      });
    }
    expect(stale).toBe(0);
    // The replica really lagged, and lag-tolerant reads really went to it: there the last role is missing.
    const before = served();
    const onReplica = await withConsistency('replica', () =>
      new RoleRepository(orm.em.fork()).findByName(`paused-${ITER - 1}`),
    );
    expect(served()).toBe(before + 1);
    expect(onReplica).toBeNull();
  }, 600_000);

  it('concurrent reads right after a write all wait for its WAL position (300 iterations, replay paused)', async () => {
    let stale = 0;
    for (let i = 0; i < 300; i++) {
      await withReadScope(async () => {
        await new RoleRepository(orm.em.fork()).create({ name: `parallel-${i}` });
        const reads = await Promise.all(
          [1, 2, 3].map(() => new RoleRepository(orm.em.fork()).findByName(`parallel-${i}`)),
        );
        stale += reads.filter((r) => r?.name !== `parallel-${i}`).length;
      });
    }
    expect(stale).toBe(0);
  }, 600_000);

  it('serves a scope from the replica again once it has replayed the scope’s writes', async () => {
    await replicaSql('select pg_wal_replay_resume()');
    await withReadScope(async () => {
      await new RoleRepository(orm.em.fork()).create({ name: 'after-resume' });
      await server.waitForReplay();
      await router.sample();
      const before = served();
      const read = await new RoleRepository(orm.em.fork()).findByName('after-resume');
      expect(read?.name).toBe('after-resume');
      expect(served()).toBe(before + 1);
    });
  });

  it('a write method reads on the primary even when the caller asked for replica reads', async () => {
    await replicaSql('select pg_wal_replay_pause()');
    try {
      await new RoleRepository(orm.em.fork()).create({ name: 'taken-on-primary' });
      const before = served();
      await expect(
        withConsistency('replica', () => new RoleRepository(orm.em.fork()).create({ name: 'taken-on-primary' })),
      ).rejects.toMatchObject({ code: 'UNIQUE_VIOLATION' });
      expect(served()).toBe(before);
    } finally {
      await replicaSql('select pg_wal_replay_resume()');
    }
  });

  it('reads inside a transaction go to the primary', async () => {
    await replicaSql('select pg_wal_replay_pause()');
    try {
      await new RoleRepository(orm.em.fork()).create({ name: 'in-transaction' });
      const before = served();
      const read = await orm.em.fork().transactional((tx) => new RoleRepository(tx).findByName('in-transaction'));
      expect(read?.name).toBe('in-transaction');
      expect(served()).toBe(before);
    } finally {
      await replicaSql('select pg_wal_replay_resume()');
    }
  });
});

describe('a replica that goes down', () => {
  it('stopped in the middle of a read workload: every read still answers, from the primary', async () => {
    await server.waitForReplay();
    await router.sample();
    const names = Array.from({ length: 50 }, (_, i) => `paused-${i}`);
    let errors = 0;
    let wrong = 0;
    let done = 0;
    let stopped: Promise<void> | undefined;
    const worker = async () => {
      while (done < 4_000) {
        const n = done++;
        // Stopped by one worker while the other three keep reading.
        if (n === 1_000) stopped = server.stopReplica();
        const name = names[n % names.length] as string;
        try {
          const read = await withConsistency('replica', () => new RoleRepository(orm.em.fork()).findByName(name));
          if (read?.name !== name) wrong++;
        } catch {
          errors++;
        }
      }
    };
    const servedBefore = served();
    const primaryBefore = router.primaryReads;
    await Promise.all([worker(), worker(), worker(), worker()]);
    await stopped;
    expect(errors).toBe(0);
    expect(wrong).toBe(0);
    const [state] = router.status();
    expect(state?.served).toBeGreaterThan(servedBefore);
    expect(state?.usable).toBe(false);
    expect(router.primaryReads).toBeGreaterThan(primaryBefore);
    // The router keeps checking: once the replica is back and caught up, it serves reads again.
    await server.startReplica();
    await server.waitForReplay();
    await router.sample();
    expect(router.status()[0]?.usable).toBe(true);
  }, 120_000);
});
