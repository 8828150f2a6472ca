import { parseArgs } from 'node:util';
import { TesseraError } from '@tessera/kernel';
import { checkDrift, type EngineEvent, MigrationEngine } from '@tessera/migrator';
import { platform } from './composition.ts';
import { type EmbeddedDatabase, useEmbeddedDatabase } from './embedded.ts';

const HELP = `tessera: one database composed from every Tessera context

Usage: tessera <command> [options]

Commands:
  migrate              apply every pending migration (under a lock, in dependency order)
  status               applied and pending migrations, per context
  plan                 the pending migrations and their SQL, without applying them
  check                fail if the database differs from the entities, or migrations are pending
  down [--to NAME|0] [--steps N]
                       revert the last migration (default), the last N, or all applied after NAME (0: all)

Options:
  --lock-timeout SECONDS   how long migrate/down wait for another run's lock (default 600)
  -h, --help               this help

The database is DATABASE_URL. When it is unset, an embedded PostgreSQL 16 under .tessera/ is used
(kept between runs).`;

const out = (line = '') => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

function progress(event: EngineEvent): void {
  switch (event.type) {
    case 'lock-waiting':
      out(
        `waiting for the migration lock (held by another run${event.holderPid ? `, backend pid ${event.holderPid}` : ''})…`,
      );
      break;
    case 'lock-acquired':
      if (event.waitedMs > 100) out(`lock acquired after ${(event.waitedMs / 1000).toFixed(1)}s`);
      break;
    case 'migration-start':
      process.stdout.write(
        `[${event.index}/${event.total}] ${event.direction === 'up' ? '↑' : '↓'} ${event.context.padEnd(12)} ${event.name}` +
          `${event.transactional ? '' : ' (non-transactional)'}${event.outOfOrder ? ' (out of order)' : ''} … `,
      );
      break;
    case 'migration-done':
      out(`done in ${Math.round(event.ms)} ms`);
      break;
  }
}

async function withEngine<T>(
  url: string,
  lockTimeoutMs: number,
  fn: (engine: MigrationEngine) => Promise<T>,
): Promise<T> {
  const engine = await MigrationEngine.create({ composition: platform, url, onEvent: progress, lockTimeoutMs });
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      to: { type: 'string' },
      steps: { type: 'string' },
      'lock-timeout': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    out(HELP);
    return command || values.help ? 0 : 2;
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (!['migrate', 'status', 'plan', 'check', 'down'].includes(command)) {
    throw new UsageError(`unknown command "${command}"`);
  }
  const lockTimeout = values['lock-timeout'] === undefined ? 600 : Number(values['lock-timeout']);
  if (!Number.isFinite(lockTimeout) || lockTimeout <= 0)
    throw new UsageError('--lock-timeout must be a positive number of seconds');
  const steps = values.steps === undefined ? undefined : Number(values.steps);
  if (steps !== undefined && (!Number.isInteger(steps) || steps < 1))
    throw new UsageError('--steps must be a positive integer');

  const embedded: EmbeddedDatabase | undefined = process.env.DATABASE_URL ? undefined : await useEmbeddedDatabase(out);
  const url = embedded?.url ?? (process.env.DATABASE_URL as string);
  try {
    return await withEngine(url, lockTimeout * 1000, async (engine) => {
      switch (command) {
        case 'migrate': {
          const applied = await engine.up();
          out(
            applied.length === 0
              ? 'The database is up to date; nothing to apply.'
              : `Applied ${applied.length} migration(s).`,
          );
          return 0;
        }
        case 'status': {
          for (const s of await engine.status()) {
            const last = s.applied.at(-1);
            out(
              `${s.context.padEnd(12)} ${s.applied.length} applied, ${s.pending.length} pending${last ? `, last ${last.name} at ${last.appliedAt.toISOString()}` : ''}`,
            );
            for (const p of s.pending) out(`  pending  ${p}`);
            for (const e of s.edited) out(`  EDITED   ${e} (changed after it was applied)`);
            for (const m of s.missing) out(`  MISSING  ${m} (applied, but not in the code)`);
          }
          return 0;
        }
        case 'plan': {
          const plan = await engine.plan();
          if (plan.length === 0) out('Nothing to apply.');
          for (const [i, m] of plan.entries()) {
            out(
              `-- [${i + 1}/${plan.length}] ${m.context}: ${m.name}${m.transactional ? '' : ' (non-transactional)'}${m.outOfOrder ? ' (out of order)' : ''}`,
            );
            for (const sql of m.statements) out(`${sql.replace(/;\s*$/, '')};`);
            out();
          }
          return 0;
        }
        case 'check': {
          const pending = await engine.plan();
          const drift = await checkDrift(platform, url);
          if (pending.length > 0) out(`${pending.length} migration(s) pending: run \`tessera migrate\`.`);
          if (drift.statements.length > 0) {
            out('The database differs from the entities. These statements would align it:');
            for (const s of drift.statements) out(`  ${s};`);
          }
          if (pending.length === 0 && drift.statements.length === 0) {
            out('No drift: the database matches the entities and every migration is applied.');
            return 0;
          }
          return 1;
        }
        default: {
          const reverted = await engine.down({
            ...(values.to !== undefined ? { to: values.to } : {}),
            ...(steps ? { steps } : {}),
          });
          out(reverted.length === 0 ? 'Nothing to revert.' : `Reverted ${reverted.length} migration(s).`);
          return 0;
        }
      }
    });
  } finally {
    await embedded?.release();
  }
}

class UsageError extends Error {}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      err(`tessera: ${error.message}\n\n${HELP}`);
      process.exit(2);
    }
    const message = error instanceof Error ? error.message : String(error);
    err(`\ntessera: ${error instanceof TesseraError ? `${error.code}: ` : ''}${message}`);
    process.exit(1);
  },
);
