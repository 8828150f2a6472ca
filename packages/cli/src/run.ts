import { parseArgs } from 'node:util';
import { type CommandEntry, UsageError } from './command.ts';
import { migrationCommands } from './commands/index.ts';
import type { TesseraConfig } from './config.ts';
import { openDatabase } from './database.ts';

/** How a CLI built on {@link runCli} looks: its config, its extra commands, and the lines of its help. */
export interface CliOptions {
  /** The program name in messages (default `tessera`). */
  readonly name?: string;
  /** The first line of the help. */
  readonly title?: string;
  /** The config, loaded only when a command runs (never for `--help`). */
  readonly config: () => Promise<TesseraConfig>;
  /** Commands after the migration commands, e.g. a platform's backup. A same-named entry replaces a built-in. */
  readonly commands?: readonly CommandEntry[];
  /**
   * The path of the composition's migration manifest (written by `writeManifest`, e.g. at build time). With it, a
   * `migrate` against `DATABASE_URL` that has nothing to do answers without loading the config, the contexts or
   * the ORM. A missing or stale manifest is ignored.
   */
  readonly manifest?: string;
  /** Lines after the options in the help (e.g. where the database comes from). */
  readonly footer?: readonly string[];
}

/**
 * Where one run of a CLI writes and which environment it reads: the process's own by default, so the same
 * command line runs in-process (a test, a program embedding the CLI) with its output captured.
 */
export interface CliIo {
  /** Gets the command's output (default `process.stdout`). */
  readonly stdout?: { write(text: string): unknown };
  /** Gets errors and notices (default `process.stderr`). */
  readonly stderr?: { write(text: string): unknown };
  /** `DATABASE_URL` and the other settings the commands read (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
}

/** A run's output as the commands use it (whole lines, and raw text for a line still being written) and its environment. */
interface Output {
  readonly out: (line?: string) => void;
  readonly err: (line: string) => void;
  readonly write: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

function output(io: CliIo): Output {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  return {
    out: (line = '') => void stdout.write(`${line}\n`),
    err: (line) => void stderr.write(`${line}\n`),
    write: (text) => void stdout.write(text),
    env: io.env ?? process.env,
  };
}

/** The migration commands followed by `extra`; an extra command with a built-in's name replaces it. */
export function commandList(extra: readonly CommandEntry[] = []): CommandEntry[] {
  const names = new Set(extra.map((c) => c.name));
  return [...migrationCommands.filter((c) => !names.has(c.name)), ...extra];
}

/** `name args` in one column, the description in the next. */
function usageLine(command: CommandEntry): string {
  const parts = command.help.trim().split(/\s{2,}/);
  const description = parts.pop() ?? '';
  return `  ${[command.name, ...parts].join(' ').padEnd(52)} ${description}`;
}

function help(options: CliOptions, commands: readonly CommandEntry[]): string {
  const name = options.name ?? 'tessera';
  return [
    options.title ?? `${name}: migrations for the contexts your tessera.config lists`,
    '',
    `Usage: ${name} <command> [options]`,
    '',
    'Commands:',
    ...commands.map(usageLine),
    '',
    'Options:',
    "  --lock-timeout SECONDS   how long migrate/down wait for another run's lock (default 600)",
    '  -h, --help               this help',
    '',
    ...(options.footer ?? ['The database is DATABASE_URL.']),
  ].join('\n');
}

async function dispatch(
  argv: readonly string[],
  options: CliOptions,
  commands: readonly CommandEntry[],
  { out, err, write, env }: Output,
): Promise<number> {
  const name = argv.find((a) => !a.startsWith('-'));
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    if (name === undefined && (argv.includes('--help') || argv.includes('-h') || argv.length === 0)) {
      out(help(options, commands));
      return argv.length === 0 ? 2 : 0;
    }
    throw new UsageError(`unknown command "${name}"`);
  }
  const rest = argv.filter((a) => a !== name);
  if (rest.includes('--help') || rest.includes('-h')) {
    out(
      usageLine(entry)
        .trim()
        .replace(/\s{2,}/, '\n  '),
    );
    return 0;
  }
  const command = await entry.load();
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { ...command.options, help: { type: 'boolean', short: 'h' } },
  });
  const pre = await command.preflight?.({
    values,
    positionals,
    out,
    err,
    manifest: options.manifest,
    env,
  });
  if (pre && 'exitCode' in pre) return pre.exitCode;
  const connection = pre?.connection;
  let db: Awaited<ReturnType<typeof openDatabase>> | undefined;
  try {
    const config = await options.config();
    if (command.needsDatabase ?? true)
      db = await openDatabase(config, err, { wait: command.waitForDatabase ?? true, env });
    return await command.run({
      url: db?.url ?? '',
      values,
      positionals,
      out,
      err,
      write,
      env,
      config,
      ...(connection ? { connection } : {}),
    });
  } finally {
    // The run closes a handed connection itself; this only covers a failure before it got there.
    await connection?.end().catch(() => undefined);
    await db?.release();
  }
}

/**
 * Runs one command line (without `node` and the script) and returns the exit code; prints errors itself. It never
 * exits the process: `io` says where it writes and which environment it reads (the process's own by default).
 */
export async function runCli(argv: readonly string[], options: CliOptions, io: CliIo = {}): Promise<number> {
  const name = options.name ?? 'tessera';
  const commands = commandList(options.commands);
  const run = output(io);
  try {
    return await dispatch(argv, options, commands, run);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      run.err(`${name}: ${(error as Error).message}\n\n${help(options, commands)}`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    // Loaded only on this path: the kernel pulls in the ORM, which a fast `--help` must not pay for.
    const { TesseraError } = await import('@tessera/kernel');
    run.err(`\n${name}: ${error instanceof TesseraError ? `${error.code}: ` : ''}${message}`);
    return 1;
  }
}
