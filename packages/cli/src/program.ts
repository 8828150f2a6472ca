import { loadConfig } from './load-config.ts';
import { type CliIo, runCli } from './run.ts';

/**
 * @tessera/cli's `tessera` program: the migration commands for the nearest `tessera.config.ts` (or `--config FILE`,
 * or `TESSERA_CONFIG`). Returns the exit code without exiting, so it runs in-process as the bin runs it.
 */
export function run(args: readonly string[], io: CliIo = {}): Promise<number> {
  // `--config FILE` is the one option every command shares; take it out before the command parses its own.
  const argv = [...args];
  let configPath: string | undefined;
  const at = argv.findIndex((a) => a === '--config' || a.startsWith('--config='));
  if (at >= 0) {
    const arg = argv[at] ?? '';
    const inline = arg.startsWith('--config=') ? arg.slice('--config='.length) : undefined;
    configPath = inline ?? argv[at + 1];
    argv.splice(at, inline === undefined ? 2 : 1);
  }
  const env = io.env ?? process.env;
  return runCli(
    argv,
    {
      config: () => loadConfig(configPath ?? env.TESSERA_CONFIG),
      footer: [
        '  --config FILE            the config (default: tessera.config.ts|.mts|.js|.mjs here or in a parent folder)',
        '',
        'The database is DATABASE_URL.',
      ],
    },
    io,
  );
}
