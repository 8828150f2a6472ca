import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbedded, type TestServer } from '@tessera/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthReport } from '../src/ops/health.ts';
import type { StatsReport } from '../src/ops/stats.ts';
import { spawnCli } from './cli.ts';

/** Runs the real CLI with exactly these variables over a clean environment (no DATABASE_URL unless given). */
function tessera(env: Record<string, string>, ...args: string[]) {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k !== 'DATABASE_URL' && !k.startsWith('TESSERA_')),
  );
  return spawnCli(args, { ...base, TESSERA_FROM_SOURCE: '1', ...env });
}

/** The non-empty lines of a stream. */
const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

/** A port nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  const port = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

// A private server that checks passwords (scram-sha-256), whatever server the rest of the suite uses: a wrong
// password must be refused for real, which a shared `trust` server would not do.
let server: TestServer;
let home: string;
beforeAll(async () => {
  server = await startEmbedded();
  home = await mkdtemp(join(tmpdir(), 'tessera-cli-home-'));
  // As root, the embedded server runs as the `postgres` OS user, which must reach its data folder under here.
  await chmod(home, 0o755);
});
afterAll(async () => {
  await server?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

const fastRetries = { TESSERA_DB_CONNECT_ATTEMPTS: '3', TESSERA_DB_CONNECT_BACKOFF_MS: '10' };

describe('tessera --json with DATABASE_URL unset (the embedded default)', () => {
  it('prints exactly one JSON document on stdout; the embedded-server notice goes to stderr', async () => {
    const env = { TESSERA_HOME: home, TESSERA_EMBEDDED_PORT: String(await closedPort()) };
    const health = await tessera(env, 'health', '--json');
    const report = JSON.parse(health.stdout) as HealthReport;
    expect(report).toMatchObject({ connected: true, healthy: false });
    expect(report.pendingMigrations?.length).toBeGreaterThan(0);
    expect(health.code).toBe(1);
    expect(health.stderr).toContain('DATABASE_URL is not set: using the embedded PostgreSQL');

    const stats = await tessera(env, 'stats', '--json');
    expect(stats.code, stats.stderr).toBe(0);
    expect((JSON.parse(stats.stdout) as StatsReport).tables).toEqual([]);
    expect(stats.stderr).toContain('DATABASE_URL is not set: using the embedded PostgreSQL');
  });
});

describe('a connection failure is one line saying what failed, naming DATABASE_URL with the password masked', () => {
  it('refused: retries with the bounded doubling backoff, then names the address', async () => {
    const port = await closedPort();
    const url = `postgresql://app:s3cret-pw@127.0.0.1:${port}/tessera`;
    const result = await tessera({ DATABASE_URL: url, ...fastRetries }, 'status');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(lines(result.stderr)).toEqual([
      'tessera: DATABASE_URL did not answer (refused); attempt 1 of 3, retrying in 10 ms',
      'tessera: DATABASE_URL did not answer (refused); attempt 2 of 3, retrying in 20 ms',
      `tessera: DATABASE_UNAVAILABLE: cannot connect to DATABASE_URL (postgresql://app:***@127.0.0.1:${port}/tessera): ` +
        `connection refused: nothing accepts connections at 127.0.0.1:${port} (the database did not answer after 3 attempt(s))`,
    ]);
  });

  it('authentication: a wrong password for a role that has one fails at once, without retrying', async () => {
    const url = new URL(server.adminUrl);
    url.password = 'not-the-password';
    const result = await tessera({ DATABASE_URL: url.toString(), ...fastRetries }, 'migrate');
    expect(result.code).toBe(1);
    url.password = '***';
    expect(lines(result.stderr)).toEqual([
      `tessera: AUTHENTICATION_FAILED: cannot connect to DATABASE_URL (${url}): authentication failed for user ` +
        `"postgres": password authentication failed for user "postgres"`,
    ]);
    expect(result.stderr).not.toContain('not-the-password');
  });

  it('unknown database: names it and the server', async () => {
    const url = new URL(server.adminUrl);
    url.pathname = '/tessera_no_such_database';
    const result = await tessera({ DATABASE_URL: url.toString(), ...fastRetries }, 'check');
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([
      `tessera: UNKNOWN_DATABASE: cannot connect to DATABASE_URL (${url.toString().replace(`:${url.password}@`, ':***@')}): ` +
        `database "tessera_no_such_database" does not exist on 127.0.0.1:${url.port}`,
    ]);
    expect(result.stderr).not.toContain(url.password);
  });

  it('health --json reports the failure in its one JSON document, at once', async () => {
    const port = await closedPort();
    const result = await tessera(
      { DATABASE_URL: `postgresql://app:s3cret-pw@127.0.0.1:${port}/x` },
      'health',
      '--json',
    );
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      healthy: false,
      connected: false,
      error:
        `cannot connect to DATABASE_URL (postgresql://app:***@127.0.0.1:${port}/x): ` +
        `connection refused: nothing accepts connections at 127.0.0.1:${port}`,
    });
    expect(result.stderr).toBe('');
  });
});

describe('a URL that is not PostgreSQL is refused before any connection is attempted', () => {
  it('malformed: says what a URL should look like', async () => {
    const result = await tessera({ DATABASE_URL: 'not-a-url' }, 'migrate');
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([
      'tessera: INVALID_DATABASE_URL: DATABASE_URL is not a URL: expected ' +
        'postgresql://user@host:port/database (with a password: user:…@host) (got "not-a-url")',
    ]);
  });

  it('mysql://: names the scheme, masks the password, and never opens a socket to the host', async () => {
    let connections = 0;
    const listener = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    const port = await listen(listener);
    try {
      const result = await tessera({ DATABASE_URL: `mysql://root:hunter2@127.0.0.1:${port}/app` }, 'migrate');
      expect(result.code).toBe(1);
      expect(lines(result.stderr)).toEqual([
        'tessera: INVALID_DATABASE_URL: DATABASE_URL uses the unsupported scheme "mysql": Tessera needs a ' +
          `postgresql:// URL (got "mysql://root:***@127.0.0.1:${port}/app")`,
      ]);
      expect(connections).toBe(0);
    } finally {
      listener.close();
    }
  });
});
