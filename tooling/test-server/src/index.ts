export { databaseUrl } from './admin.ts';
export { loadLine, machineLine, percentiles } from './bench.ts';
export { cleanupStale } from './cleanup.ts';
export { EMBEDDED_VERSIONS, embeddedVersion } from './embedded.ts';
export { type EmptyDatabase, emptyDatabase, testAdminUrl } from './empty.ts';
export { startTestServer, type TestServer } from './server.ts';
export { type ClonedDatabase, type CloneOptions, cloneDatabase, ensureTemplate } from './templates.ts';
