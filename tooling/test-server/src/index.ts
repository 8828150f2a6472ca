export { freePort } from '@tessera/embedded-pg';
export { databaseUrl } from './admin.ts';
export { loadLine, machineLine, percentiles } from './bench.ts';
export { cleanupStale } from './cleanup.ts';
export { EMBEDDED_VERSIONS, embeddedBinDir, embeddedVersion, startEmbedded } from './embedded.ts';
export { type EmptyDatabase, emptyDatabase, testAdminUrl } from './empty.ts';
export { type HookedDatabase, type HookedDatabaseOptions, useEmptyDatabase } from './hooks.ts';
export { type PgBouncer, type PgBouncerOptions, startPgBouncer } from './pgbouncer.ts';
export { type NodeRun, runNode } from './process.ts';
export { tcpProxy } from './proxy.ts';
export {
  type ReplicatedServer,
  type ReplicatedServerOptions,
  replicationBinDir,
  startReplicatedServer,
} from './replica.ts';
export { testPoolerUrl, testReplicaAdminUrl, testReplicaUrl, waitForTestReplica } from './replica-env.ts';
export { startTestServer, type TestServer } from './server.ts';
export { type ClonedDatabase, type CloneOptions, cloneDatabase, ensureTemplate } from './templates.ts';
