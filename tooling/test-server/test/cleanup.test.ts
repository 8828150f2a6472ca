import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { serversDir as embeddedServersDir } from '../src/embedded.ts';
import { cleanupStale, databaseUrl } from '../src/index.ts';
import { completeMark } from '../src/templates.ts';
import { databaseExists, deadPid, dropIfExists, exited, lineFrom, query, running, testAdminUrl } from './helpers.ts';

const adminUrl = testAdminUrl();
const serversDir = embeddedServersDir();
const leftovers: string[] = [];
const folders: string[] = [];
const postmasters: number[] = [];

afterAll(async () => {
  // Only matters when a test failed half-way: never leave an orphaned server running.
  for (const pid of postmasters) if (running(pid)) process.kill(pid, 'SIGINT');
  for (const name of leftovers) await dropIfExists(adminUrl, name);
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

async function createDatabase(name: string, comment?: string): Promise<void> {
  leftovers.push(name);
  await query(adminUrl, `CREATE DATABASE "${name}"`);
  if (comment !== undefined) await query(adminUrl, `COMMENT ON DATABASE "${name}" IS '${comment}'`);
}

describe('cleanupStale on the admin server', () => {
  test('drops clones and unfinished templates of dead processes, keeps everything else', async () => {
    const dead = await deadPid();
    const suffix = randomBytes(2).toString('hex');
    const deadClone = `tessera_t_${dead}_1_${suffix}`;
    const liveClone = `tessera_t_${process.pid}_9999_${suffix}`;
    const deadBuild = `tessera_tpl_dead_${randomBytes(6).toString('hex')}`;
    const liveBuild = `tessera_tpl_live_${randomBytes(6).toString('hex')}`;
    const finished = `tessera_tpl_done_${randomBytes(6).toString('hex')}`;
    const forgotten = `tessera_tpl_old_${randomBytes(6).toString('hex')}`;
    await createDatabase(deadClone);
    await createDatabase(liveClone);
    await createDatabase(deadBuild, `tessera-template building pid=${dead}`);
    await createDatabase(liveBuild, `tessera-template building pid=${process.pid}`);
    await createDatabase(finished, completeMark());
    await createDatabase(forgotten, completeMark(Math.floor(Date.now() / 1000) - 8 * 86_400));

    // A session left on the dead run's clone must not stop the drop. On a shared server another run's cleanup may
    // drop the dead clone first (it is stale for every run), so the session is best effort; the outcome is the same.
    const straggler = new Client({ connectionString: databaseUrl(adminUrl, deadClone) });
    straggler.on('error', () => {});
    await straggler.connect().catch((error: unknown) => {
      if (!/does not exist/.test(String(error))) throw error;
    });
    try {
      await cleanupStale(adminUrl);
    } finally {
      await straggler.end().catch(() => {});
    }

    expect(await databaseExists(adminUrl, deadClone)).toBe(false);
    expect(await databaseExists(adminUrl, deadBuild)).toBe(false);
    expect(await databaseExists(adminUrl, liveClone)).toBe(true);
    expect(await databaseExists(adminUrl, liveBuild)).toBe(true);
    expect(await databaseExists(adminUrl, finished)).toBe(true);
    // A complete template nobody used for more than a week is pruned: the cache must not grow forever.
    expect(await databaseExists(adminUrl, forgotten)).toBe(false);
  });
});

describe('cleanupStale on embedded servers', () => {
  test('stops and removes the server of a run that was killed with SIGKILL', async () => {
    const fixture = join(import.meta.dirname, 'fixtures', 'embedded-server.ts');
    const child = spawn(process.execPath, ['--conditions=@tessera/source', fixture], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const started = JSON.parse(await lineFrom(child, (line) => line.startsWith('{'))) as { adminUrl: string };
      const runDir = join(serversDir, (await readdir(serversDir)).find((f) => f.startsWith(`${child.pid}-`)) ?? '?');
      folders.push(runDir);
      const owner = JSON.parse(await readFile(join(runDir, 'owner.json'), 'utf8')) as { pid: number };
      expect(owner.pid).toBe(child.pid);
      const postmaster = Number((await readFile(join(runDir, 'data', 'postmaster.pid'), 'utf8')).split('\n')[0]);
      postmasters.push(postmaster);
      expect(new URL(started.adminUrl).port).not.toBe('5432');

      child.kill('SIGKILL');
      await exited(child);
      // The orphaned server keeps running: this is exactly what cleanupStale exists for.
      expect(running(postmaster)).toBe(true);
      expect(await query(started.adminUrl, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);

      await cleanupStale();

      expect(running(postmaster)).toBe(false);
      expect(existsSync(runDir)).toBe(false);
      await expect(query(started.adminUrl, 'SELECT 1')).rejects.toThrow();
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('leaves folders of live owners alone and never signals a process that is not their server', async () => {
    const live = join(serversDir, `${process.pid}-${randomBytes(4).toString('hex')}`);
    const stale = join(serversDir, `${await deadPid()}-${randomBytes(4).toString('hex')}`);
    folders.push(live, stale);
    // The stale folder's postmaster.pid names a pid that now belongs to an unrelated process.
    const bystander = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], { stdio: 'ignore' });
    try {
      await mkdir(join(live, 'data'), { recursive: true });
      await writeFile(join(live, 'owner.json'), JSON.stringify({ pid: process.pid }));
      await mkdir(join(stale, 'data'), { recursive: true });
      await writeFile(join(stale, 'data', 'postmaster.pid'), `${bystander.pid}\n${join(stale, 'data')}\n`);

      await cleanupStale();

      expect(existsSync(live)).toBe(true);
      expect(existsSync(stale)).toBe(false);
      expect(running(bystander.pid ?? 0)).toBe(true);
    } finally {
      bystander.kill('SIGKILL');
      await exited(bystander);
    }
  });
});
