export { postgresBinDir } from './binaries.ts';
export { freePort } from './ports.ts';
export { commandLine, isAlive, stopPostmaster, waitForExit } from './processes.ts';
export { type EmbeddedServer, type PostgresOptions, PostgresStartError, startPostgres } from './server.ts';
