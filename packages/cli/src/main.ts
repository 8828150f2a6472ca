import { loadConfig } from './load-config.ts';
import { runCli } from './run.ts';

// `--config FILE` is the one option every command shares; take it out before the command parses its own.
const argv = process.argv.slice(2);
let configPath: string | undefined;
const at = argv.findIndex((a) => a === '--config' || a.startsWith('--config='));
if (at >= 0) {
  const arg = argv[at] ?? '';
  const inline = arg.startsWith('--config=') ? arg.slice('--config='.length) : undefined;
  configPath = inline ?? argv[at + 1];
  argv.splice(at, inline === undefined ? 2 : 1);
}

const code = await runCli(argv, {
  config: () => loadConfig(configPath),
  footer: [
    '  --config FILE            the config (default: tessera.config.ts|.mts|.js|.mjs here or in a parent folder)',
    '',
    'The database is DATABASE_URL.',
  ],
});
process.exit(code);
