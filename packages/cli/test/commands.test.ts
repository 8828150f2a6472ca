import { describe, expect, it } from 'vitest';
import { renderTable } from '../src/index.ts';
import { fixtureConfig, fixtures, tesseraInProcess, useEmptyDatabase } from './cli.ts';

// One database for the whole file: each test goes on from what the one before it left.
const db = useEmptyDatabase();

/** `tessera` with the sample config (catalog, and nas with it) against the test database, in this process. */
const run = (...args: string[]) => tesseraInProcess({ DATABASE_URL: db.url }, '--config', fixtureConfig, ...args);
const journal = async () =>
  (await db.query('select name, context, checksum, transactional from tessera.migrations order by id')) as {
    name: string;
    context: string;
    checksum: string;
    transactional: boolean;
  }[];
/** How progress and history mark a migration that runs outside a transaction. */
const nonTx = (m: { transactional: boolean }) => (m.transactional ? '' : ' \\(non-transactional\\)');

describe('tessera help and bad arguments', () => {
  it('prints the help with every command, and one command’s usage with --help after it', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: tessera <command> [options]');
    for (const name of ['migrate', 'status', 'plan', 'check', 'down', 'history', 'resolve'])
      expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    expect(help.stdout).toContain('--config FILE');
    const bare = await run();
    expect(bare.code).toBe(2);
    expect(bare.stdout).toContain('Usage: tessera <command> [options]');
    const down = await run('down', '--help');
    expect(down).toEqual({
      code: 0,
      stdout:
        'down [--to NAME|0] [--steps N]\n  revert the last migration, the last N, or all applied after NAME (0: all)\n',
      stderr: '',
    });
  });

  it('exits 2 with the message and the usage for each kind of bad argument', async () => {
    const cases: [string[], string][] = [
      [['down', '--steps', '0'], '--steps must be a positive integer'],
      [['migrate', '--lock-timeout', 'soon'], '--lock-timeout must be a positive number of seconds'],
      [['status', '--verbose'], "Unknown option '--verbose'"],
      [['resolve'], 'resolve takes one migration name'],
      [['resolve', 'A', 'B', '--applied'], 'resolve takes one migration name'],
      [['resolve', 'Migration1_x'], 'resolve needs exactly one of --applied or --rolled-back'],
    ];
    for (const [args, message] of cases) {
      const result = await run(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(`tessera: ${message}`);
      expect(result.stderr).toContain('Usage: tessera <command> [options]');
      expect(result.stdout).toBe('');
    }
  });

  it('refuses a DATABASE_URL that is not a PostgreSQL URL before connecting, naming the variable', async () => {
    const result = await tesseraInProcess({ DATABASE_URL: 'mysql://app@db/app' }, '--config', fixtureConfig, 'status');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('DATABASE_URL');
    expect(result.stdout).toBe('');
  });

  it('reads the config named by TESSERA_CONFIG when --config is not given', async () => {
    const result = await tesseraInProcess(
      { DATABASE_URL: db.url, TESSERA_CONFIG: `${fixtures}not-a-config.ts` },
      'status',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not-a-config\.ts: contexts\[0\] is not a context module/);
  });
});

describe('tessera migrate, history and down', () => {
  it('reports no history before any migration, then applies with one progress line per migration', async () => {
    expect((await run('history')).stdout).toBe('No migration is applied.\n');
    const migrated = await run('migrate');
    expect(migrated.code, migrated.stderr).toBe(0);
    const applied = await journal();
    expect(migrated.stdout).toContain(`Applied ${applied.length} migration(s).`);
    for (const [i, m] of applied.entries()) {
      expect(migrated.stdout).toMatch(
        new RegExp(`\\[${i + 1}/${applied.length}\\] ↑ ${m.context} +${m.name}${nonTx(m)} … done in \\d+ ms`),
      );
    }
  });

  it('lists the applied migrations as a table and as one JSON document', async () => {
    const applied = await journal();
    const text = await run('history');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^applied at +duration +context +migration +checksum +note$/m);
    for (const m of applied) {
      const note = m.transactional ? '' : ' +non-transactional';
      expect(text.stdout).toMatch(
        new RegExp(`\\d+ ms +${m.context} +${m.name} +${m.checksum.slice(0, 12)}${note}$`, 'm'),
      );
    }
    const json = await run('history', '--json');
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(rows.map((r) => [r.name, r.context, r.checksum, r.transactional, r.resolution])).toEqual(
      applied.map((m) => [m.name, m.context, m.checksum, m.transactional, null]),
    );
  });

  it('reverts the last migration with --steps 1 and applies it again', async () => {
    const [newest] = (await journal()).slice(-1);
    const down = await run('down', '--steps', '1');
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toMatch(
      new RegExp(`\\[1/1\\] ↓ ${newest?.context} +${newest?.name}${newest ? nonTx(newest) : ''} … done in \\d+ ms`),
    );
    expect(down.stdout).toContain('Reverted 1 migration(s).');
    const status = await run('status');
    expect(status.stdout).toContain(`  pending  ${newest?.name}`);
    const plan = await run('plan');
    expect(plan.stdout).toContain(`-- [1/1] ${newest?.context}: ${newest?.name}`);
    const again = await run('migrate');
    expect(again.stdout).toContain('Applied 1 migration(s).');
    expect((await run('down', '--to', (await journal()).at(-1)?.name ?? '')).stdout).toBe('Nothing to revert.\n');
  });
});

describe('tessera resolve', () => {
  /** What the engine records when a non-transactional migration fails after its first statement took effect. */
  async function failedPartWay(name: string, context: string): Promise<void> {
    await db.query(
      `insert into tessera.migration_failures (name, context, checksum, statements_done, statements_total, statement, error)
       values ($1, $2, repeat('0', 64), 1, 2, 'create index concurrently …', 'canceling statement due to lock timeout')`,
      [name, context],
    );
  }

  it('--applied marks a migration that failed part-way as applied, and migrate goes on', async () => {
    const newest = (await journal()).at(-1) as { name: string; context: string };
    await db.query('delete from tessera.migrations where name = $1', [newest.name]);
    await failedPartWay(newest.name, newest.context);
    const status = await run('status');
    expect(status.stdout).toMatch(
      new RegExp(`  FAILED   ${newest.name} at \\S+: canceling statement due to lock timeout`),
    );
    const refused = await run('migrate');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`MIGRATION_NEEDS_RESOLVE: migration ${newest.name} is non-transactional`);

    const resolved = await run('resolve', newest.name, '--applied');
    expect(resolved).toEqual({
      code: 0,
      stdout: `Marked ${newest.name} (${newest.context}) as applied; migrate will not run it again.\n`,
      stderr: '',
    });
    const history = await run('history');
    expect(history.stdout).toMatch(
      new RegExp(`${newest.name} +\\w{12} +(non-transactional, )?resolved as applied$`, 'm'),
    );
    expect((await run('migrate')).stdout).toBe('The database is up to date; nothing to apply.\n');
  });

  it('--rolled-back lets the next migrate run it again; a migration without a failure is refused', async () => {
    const newest = (await journal()).at(-1) as { name: string; context: string };
    const notFailed = await run('resolve', newest.name, '--rolled-back');
    expect(notFailed.code).toBe(1);
    expect(notFailed.stderr).toContain(`MIGRATION_RESOLVE: cannot resolve migration ${newest.name}`);

    expect((await run('down')).code).toBe(0);
    await failedPartWay(newest.name, newest.context);
    const resolved = await run('resolve', newest.name, '--rolled-back');
    expect(resolved.stdout).toBe(
      `Marked ${newest.name} (${newest.context}) as rolled back; the next migrate runs it again.\n`,
    );
    const again = await run('migrate');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('Applied 1 migration(s).');
  });
});

describe('tessera check', () => {
  it('names an index left invalid and the statements that would align a table changed by hand', async () => {
    await db.query('create table nas.scratch (x int)');
    await db.query('insert into nas.scratch values (1), (1)');
    await expect(db.query('create unique index concurrently ux_scratch on nas.scratch (x)')).rejects.toThrow(
      /could not create unique index/,
    );
    const check = await run('check');
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('Invalid index nas.ux_scratch on scratch (a failed concurrent build)');
    expect(check.stdout).toContain('The database differs from the entities. These statements would align it:');
    expect(check.stdout).toContain('The database differs from what the migrations create:');
    const status = await run('status');
    expect(status.stdout).toContain('  INVALID  index nas.ux_scratch on scratch');
  });
});

describe('renderTable', () => {
  it('pads text left-aligned and numbers right-aligned under a header and a rule', () => {
    expect(
      renderTable(
        ['name', 'rows'],
        [
          ['a', 5],
          ['longer', 120],
        ],
      ),
    ).toEqual(['name    rows', '------  ----', 'a          5', 'longer   120']);
    expect(renderTable(['only'], [])).toEqual(['only', '----']);
  });
});
