import { parseArgs } from 'node:util';
import { TesseraError } from '@tessera/kernel';
import { commands } from './commands/index.ts';
import { UsageError } from './commands/types.ts';
import { type EmbeddedDatabase, useEmbeddedDatabase } from './embedded.ts';

const out = (line = '') => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

/** `name args` in one column, the description in the next (a command's help is "args  description"). */
function usageLine(command: (typeof commands)[number]): string {
  const parts = command.help.trim().split(/\s{2,}/);
  const description = parts.pop() ?? '';
  const usage = [command.name, ...parts].join(' ');
  return `  ${usage.padEnd(52)} ${description}`;
}

function help(): string {
  return [
    'tessera: one database composed from every Tessera context',
    '',
    'Usage: tessera <command> [options]',
    '',
    'Commands:',
    ...commands.map(usageLine),
    '',
    'Options:',
    "  --lock-timeout SECONDS   how long migrate/down wait for another run's lock (default 600)",
    '  -h, --help               this help',
    '',
    'The database is DATABASE_URL. When it is unset, an embedded PostgreSQL under .tessera/ is used: 16, or 15',
    'when the newest pg_dump here is 15 (TESSERA_EMBEDDED_PG_VERSION decides); kept between runs.',
  ].join('\n');
}

async function run(argv: string[]): Promise<number> {
  const name = argv.find((a) => !a.startsWith('-'));
  const command = commands.find((c) => c.name === name);
  if (!command) {
    if (name === undefined && (argv.includes('--help') || argv.includes('-h') || argv.length === 0)) {
      out(help());
      return argv.length === 0 ? 2 : 0;
    }
    throw new UsageError(`unknown command "${name}"`);
  }
  const { values, positionals } = parseArgs({
    args: argv.filter((a) => a !== name),
    allowPositionals: true,
    options: { ...command.options, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    out(
      usageLine(command)
        .trim()
        .replace(/\s{2,}/, '\n  '),
    );
    return 0;
  }
  const needsDatabase = command.needsDatabase ?? true;
  const embedded: EmbeddedDatabase | undefined =
    needsDatabase && !process.env.DATABASE_URL ? await useEmbeddedDatabase(out) : undefined;
  const url = embedded?.url ?? process.env.DATABASE_URL ?? '';
  try {
    return await command.run({ url, values, positionals, out, err });
  } finally {
    await embedded?.release();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`tessera: ${(error as Error).message}\n\n${help()}`);
      process.exit(2);
    }
    const message = error instanceof Error ? error.message : String(error);
    err(`\ntessera: ${error instanceof TesseraError ? `${error.code}: ` : ''}${message}`);
    process.exit(1);
  },
);
