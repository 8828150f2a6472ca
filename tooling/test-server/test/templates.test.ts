import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { cloneDatabase, databaseUrl, ensureTemplate } from '../src/index.ts';
import { completeMark, parseMark } from '../src/templates.ts';
import { databaseExists, dropIfExists, exited, lineFrom, query, testAdminUrl } from './helpers.ts';

const adminUrl = testAdminUrl();
const created: string[] = [];

/** A key no earlier run has used, so a cached template cannot make "built once" pass by accident. */
function freshKey(): string {
  return randomBytes(6).toString('hex');
}

/** A build that records each call and leaves a table with two rows. */
function countingBuild() {
  const calls: string[] = [];
  const build = async (url: string) => {
    calls.push(url);
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query('CREATE TABLE item (id int PRIMARY KEY, label text)');
    await client.query(`INSERT INTO item VALUES (1, 'one'), (2, 'two')`);
    await client.end();
  };
  return { calls, build };
}

afterAll(async () => {
  for (const name of created) await dropIfExists(adminUrl, name);
});

describe('ensureTemplate', () => {
  test('builds once when called concurrently, and reuses the complete template afterwards', async () => {
    const key = freshKey();
    const { calls, build } = countingBuild();
    const [a, b] = await Promise.all([ensureTemplate(adminUrl, key, build), ensureTemplate(adminUrl, key, build)]);
    created.push(a);
    expect(a).toBe(`tessera_tpl_${key}`);
    expect(b).toBe(a);
    expect(await ensureTemplate(adminUrl, key, build)).toBe(a);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toContain(`/${a}`);
  });

  test('marks a template as used when it is reused, so cleanup keeps it', async () => {
    const key = freshKey();
    const { build } = countingBuild();
    const name = await ensureTemplate(adminUrl, key, build);
    created.push(name);
    const mark = async () =>
      (
        await query<{ mark: string }>(
          adminUrl,
          `SELECT shobj_description(oid, 'pg_database') AS mark FROM pg_database WHERE datname = '${name}'`,
        )
      )[0]?.mark;
    const twoHoursAgo = Math.floor(Date.now() / 1000) - 7200;
    await query(adminUrl, `COMMENT ON DATABASE "${name}" IS '${completeMark(twoHoursAgo)}'`);
    await ensureTemplate(adminUrl, key, build);
    expect(parseMark(await mark()).complete).toBe(true);
    expect(parseMark(await mark()).usedAt).toBeGreaterThan(twoHoursAgo);
  });

  test('builds once when two processes race for it', async () => {
    const key = freshKey();
    const scratch = await mkdtemp(join(tmpdir(), 'tessera-test-server-'));
    const buildLog = join(scratch, 'builds.log');
    const fixture = join(import.meta.dirname, 'fixtures', 'build-template.ts');
    const children = [0, 1].map(() =>
      spawn(process.execPath, ['--conditions=@tessera/source', fixture, key, buildLog], {
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    );
    try {
      // Both wait on stdin until both are up, so they really do reach ensureTemplate together.
      await Promise.all(children.map((child) => lineFrom(child, (line) => line === 'ready')));
      const done = children.map((child) => lineFrom(child, (line) => line.startsWith('done ')));
      for (const child of children) child.stdin?.write('go\n');
      const names = await Promise.all(done);
      created.push(`tessera_tpl_${key}`);
      expect(await Promise.all(children.map(exited))).toEqual([0, 0]);
      expect(names).toEqual([`done tessera_tpl_${key}`, `done tessera_tpl_${key}`]);
      const builders = (await readFile(buildLog, 'utf8')).trim().split('\n');
      expect(builders).toHaveLength(1);
      const rows = await query(databaseUrl(adminUrl, `tessera_tpl_${key}`), 'SELECT pid FROM built_by');
      expect(rows).toEqual([{ pid: Number(builders[0]) }]);
    } finally {
      for (const child of children) child.kill('SIGKILL');
      await rm(scratch, { recursive: true, force: true });
    }
  });

  test('rebuilds a template that an interrupted build left incomplete', async () => {
    const key = freshKey();
    const name = `tessera_tpl_${key}`;
    created.push(name);
    await query(adminUrl, `CREATE DATABASE "${name}"`);
    const { calls, build } = countingBuild();
    expect(await ensureTemplate(adminUrl, key, build)).toBe(name);
    expect(calls).toHaveLength(1);
    const clone = await cloneDatabase(adminUrl, name);
    try {
      expect(await query(clone.url, 'SELECT count(*)::int AS n FROM item')).toEqual([{ n: 2 }]);
    } finally {
      await clone.drop();
    }
  });

  test('leaves no template behind when the build fails, so the next call builds again', async () => {
    const key = freshKey();
    const name = `tessera_tpl_${key}`;
    created.push(name);
    await expect(
      ensureTemplate(adminUrl, key, async () => {
        throw new Error('migration failed');
      }),
    ).rejects.toThrow('migration failed');
    expect(await databaseExists(adminUrl, name)).toBe(false);
    const { calls, build } = countingBuild();
    expect(await ensureTemplate(adminUrl, key, build)).toBe(name);
    expect(calls).toHaveLength(1);
  });

  test('sanitizes the key into a valid database name', async () => {
    const { build } = countingBuild();
    const name = await ensureTemplate(adminUrl, `Ab-${freshKey()}.X${'y'.repeat(80)}`, build);
    created.push(name);
    expect(name).toMatch(/^tessera_tpl_ab_[0-9a-f]{12}_xy+$/);
    expect(name).toHaveLength(63);
    expect(await databaseExists(adminUrl, name)).toBe(true);
  });
});

describe('cloneDatabase', () => {
  test("gives each clone the template's tables and rows, independent of the template and of each other", async () => {
    const { build } = countingBuild();
    const template = await ensureTemplate(adminUrl, freshKey(), build);
    created.push(template);
    const a = await cloneDatabase(adminUrl, template);
    const b = await cloneDatabase(adminUrl, template);
    try {
      expect(a.name).toMatch(new RegExp(`^tessera_t_${process.pid}_\\d+_[0-9a-f]{4}$`));
      expect(b.name).not.toBe(a.name);
      expect(await query(a.url, 'SELECT current_database() AS db')).toEqual([{ db: a.name }]);
      expect(await query(b.url, 'SELECT id, label FROM item ORDER BY id')).toEqual([
        { id: 1, label: 'one' },
        { id: 2, label: 'two' },
      ]);

      await query(a.url, `INSERT INTO item VALUES (3, 'three')`);
      await query(b.url, 'DELETE FROM item WHERE id = 1');
      expect(await query(a.url, 'SELECT id FROM item ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
      expect(await query(b.url, 'SELECT id FROM item ORDER BY id')).toEqual([{ id: 2 }]);

      const c = await cloneDatabase(adminUrl, template);
      expect(await query(c.url, 'SELECT id FROM item ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
      await c.drop();
      expect(await databaseExists(adminUrl, c.name)).toBe(false);
    } finally {
      await a.drop();
      await b.drop();
    }
  });

  test('drop() removes the clone even while a session is still connected', async () => {
    const { build } = countingBuild();
    const template = await ensureTemplate(adminUrl, freshKey(), build);
    created.push(template);
    const clone = await cloneDatabase(adminUrl, template);
    const session = new Client({ connectionString: clone.url });
    session.on('error', () => {});
    await session.connect();
    await clone.drop();
    expect(await databaseExists(adminUrl, clone.name)).toBe(false);
    await session.end().catch(() => {});
  });

  test('retries while a session on the template outlives the server-side wait', async () => {
    const { build } = countingBuild();
    const template = await ensureTemplate(adminUrl, freshKey(), build);
    created.push(template);
    const session = new Client({ connectionString: databaseUrl(adminUrl, template) });
    await session.connect();
    // PostgreSQL itself waits up to 5 s for other sessions, then fails with 55006; only a retry gets past
    // a session that stays longer. The session leaves once the first attempt has failed, not on a timer.
    const busy: number[] = [];
    const clone = await cloneDatabase(adminUrl, template, {
      onBusy: (attempt) => {
        busy.push(attempt);
        if (attempt === 1) void session.end();
      },
    });
    try {
      expect(busy[0]).toBe(1);
      expect(await query(clone.url, 'SELECT count(*)::int AS n FROM item')).toEqual([{ n: 2 }]);
    } finally {
      await clone.drop();
    }
  });
});
