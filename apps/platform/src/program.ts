import { fileURLToPath } from 'node:url';
import { type CliIo, runCli } from '@tessera/cli';
import { commands } from './commands/index.ts';

/**
 * The platform's `tessera`: the composition in tessera.config.ts plus the platform's own commands. Returns the exit
 * code without exiting, so it runs in-process as the bin runs it.
 */
export function run(argv: readonly string[], io: CliIo = {}): Promise<number> {
  const env = io.env ?? process.env;
  return runCli(
    argv,
    {
      title: 'tessera: one database composed from every Tessera context',
      config: async () => (await import('./tessera.config.ts')).default,
      commands,
      // Written next to this file by the build (scripts/write-manifest.ts); a no-op migrate then loads no context.
      manifest: env.TESSERA_MIGRATION_MANIFEST || fileURLToPath(new URL('./migrations.manifest.json', import.meta.url)),
      footer: [
        'The database is DATABASE_URL. When it is unset, an embedded PostgreSQL under .tessera/ is used: 16, or 15',
        'when the newest pg_dump here is 15 (TESSERA_EMBEDDED_PG_VERSION decides); kept between runs.',
      ],
    },
    io,
  );
}
