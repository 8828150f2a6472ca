import { describe, expect, it } from 'vitest';
import { fixtureConfig, fixtures, tessera, tesseraInProcess, useEmptyDatabase } from './cli.ts';

// Each process run starts Node twice (the bin, then the sources with their conditions): generous limits for loaded
// machines. The commands' output and exit codes are checked in-process, with the same program the bin runs.
describe('tessera for a service that composes only the catalog', { timeout: 240_000 }, () => {
  const db = useEmptyDatabase();
  const run = (...args: string[]) => tesseraInProcess({ DATABASE_URL: db.url }, '--config', fixtureConfig, ...args);

  it('the bin migrates exactly catalog and nas from the tessera.config.ts it finds, and nothing else', async () => {
    const first = await tessera(fixtures, { DATABASE_URL: db.url }, 'migrate');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Applied \d+ migration\(s\)\./);
    const schemas = await db.query(
      `select nspname as name from pg_namespace where nspname in ('identity','audit','workflows','executions','knowledge','nas','catalog') order by 1`,
    );
    expect(schemas.map((r) => r.name)).toEqual(['catalog', 'nas']);

    const status = await run('status');
    expect(status.stdout).toMatch(/^catalog +\d+ applied, 0 pending/m);
    expect(status.stdout).toMatch(/^nas +\d+ applied, 0 pending/m);
    expect(status.stdout).not.toContain('identity');
    const check = await run('check');
    expect(check.code, check.stdout).toBe(0);
    expect(check.stdout).toContain('No drift');
  });

  it('reverts everything with down --to 0, after which plan lists the pending SQL and check fails', async () => {
    const down = await run('down', '--to', '0');
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toMatch(/Reverted \d+ migration\(s\)\./);
    const plan = await run('plan');
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/-- \[1\/\d+\] nas: Migration\d+_nas_initial/);
    const check = await run('check');
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/\d+ migration\(s\) pending: run `tessera migrate`\./);
  });

  it('says which config is wrong, and that DATABASE_URL is needed', async () => {
    const bad = await tesseraInProcess({ DATABASE_URL: db.url }, 'status', '--config', `${fixtures}not-a-config.ts`);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/not-a-config\.ts: contexts\[0\] is not a context module/);
    const inline = await tesseraInProcess({ DATABASE_URL: db.url }, 'status', `--config=${fixtures}missing.ts`);
    expect(inline.code).toBe(1);
    expect(inline.stderr).toContain(`config file ${fixtures}missing.ts does not exist`);
    // Looking for the config from the working directory is the process's own: run one where there is none.
    const none = await tessera('/', { DATABASE_URL: db.url }, 'status');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no tessera.config.ts in / or its parents');
    const noUrl = await tesseraInProcess({ DATABASE_URL: '' }, '--config', fixtureConfig, 'status');
    expect(noUrl.code).toBe(1);
    expect(noUrl.stderr).toContain('DATABASE_URL is not set');
  });

  it('lists the migration commands in --help without loading the config', async () => {
    // The config named here is not a valid one: loading it would fail the run.
    const help = await tesseraInProcess({ TESSERA_CONFIG: `${fixtures}not-a-config.ts` }, '--help');
    expect(help.code).toBe(0);
    for (const name of ['migrate', 'status', 'plan', 'check', 'down'])
      expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    const unknown = await tesseraInProcess({}, 'migrat');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "migrat"');
  });
});
