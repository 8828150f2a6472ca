import { fileURLToPath } from 'node:url';
import { runCli } from '@tessera/cli';
import { commands } from './commands/index.ts';

// The platform's `tessera`: the composition in tessera.config.ts plus the platform's own commands.
const code = await runCli(process.argv.slice(2), {
  title: 'tessera: one database composed from every Tessera context',
  config: async () => (await import('./tessera.config.ts')).default,
  commands,
  // Written next to this file by the build (scripts/write-manifest.ts); a no-op migrate then loads no context.
  manifest:
    process.env.TESSERA_MIGRATION_MANIFEST || fileURLToPath(new URL('./migrations.manifest.json', import.meta.url)),
  footer: [
    'The database is DATABASE_URL. When it is unset, an embedded PostgreSQL under .tessera/ is used: 16, or 15',
    'when the newest pg_dump here is 15 (TESSERA_EMBEDDED_PG_VERSION decides); kept between runs.',
  ],
});
process.exit(code);
