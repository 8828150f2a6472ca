import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { serverMajor } from './admin.ts';
import type { TestServer } from './server.ts';
import { settingFlags, TEST_SETTINGS } from './settings.ts';

const DEFAULT_SOCKET = '/var/run/docker.sock';
const PING_TIMEOUT_MS = 1_000;

/**
 * Whether a Docker engine answers, decided in about a second: testcontainers' own discovery tries many
 * strategies and takes far longer to say no, which would slow every test run on machines without Docker.
 */
export async function dockerReachable(): Promise<boolean> {
  const host = process.env.DOCKER_HOST;
  if (!host) return existsSync(DEFAULT_SOCKET) && pingSocket(DEFAULT_SOCKET);
  if (host.startsWith('unix://')) return pingSocket(host.slice('unix://'.length));
  if (/^(tcp|http|https):\/\//.test(host)) {
    // The engine may demand TLS client certificates; an open port is the quick, honest signal.
    const url = new URL(host.replace(/^tcp:/, 'http:'));
    return tcpOpen(url.hostname, Number(url.port || 2375));
  }
  // ssh://, npipe:// and the like: no quick probe, so let testcontainers try (a failure falls back).
  return true;
}

function pingSocket(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: PING_TIMEOUT_MS }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: PING_TIMEOUT_MS });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

// Left out of this package's line coverage: it needs a Docker engine, and the run that measures coverage (CI's system
// PostgreSQL 15 pass) has none. It is proven in CI's testcontainers stage (.ci/run), where identity's tests run on a
// server it starts (TESSERA_TEST_SERVER=docker); what runs without an engine (the probe above, the errors and the
// fallback of startTestServer) is tested here, in test/server.test.ts.
/* v8 ignore start */
/** Starts PostgreSQL in a container (image from TESSERA_TEST_PG_IMAGE); testcontainers' reaper removes it if we die. */
export async function startContainer(): Promise<TestServer> {
  // Imported lazily: it is an optional dependency and pulls in a large Docker client.
  // An optional peer: a service that wants Docker adds it; without it the harness falls back to embedded.
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql').catch((error: unknown) => {
    throw new Error(`@testcontainers/postgresql is not installed (add it to run tests in Docker): ${String(error)}`);
  });
  const image = process.env.TESSERA_TEST_PG_IMAGE || 'postgres:16';
  const container = await new PostgreSqlContainer(image)
    .withDatabase('postgres')
    .withUsername('postgres')
    .withPassword(randomBytes(18).toString('base64url'))
    .withCommand(['postgres', ...settingFlags(TEST_SETTINGS)])
    .start();
  const adminUrl = container.getConnectionUri();
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= container.stop().then(() => undefined);
    return stopping;
  };
  try {
    return { adminUrl, kind: 'testcontainers', version: await serverMajor(adminUrl), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
/* v8 ignore stop */
