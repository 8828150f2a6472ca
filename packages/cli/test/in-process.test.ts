import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalog } from '@tessera/catalog';
import { composeContexts } from '@tessera/kernel';
import { MANIFEST_FORMAT, manifestSources, migrationChecksums } from '@tessera/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, defineConfig, type MigratedEvent, migrate, runCli, status } from '../src/index.ts';
import { useEmptyDatabase } from './cli.ts';

describe('the same composition in-process', () => {
  const db = useEmptyDatabase();

  it('migrates catalog and nas, calls onMigrated once, and then reports a clean check', async () => {
    const events: MigratedEvent[] = [];
    const config = defineConfig({ contexts: [catalog], onMigrated: (e) => void events.push(e) });
    const applied = await migrate(config, { url: db.url });
    expect(new Set(applied.map((m) => m.context))).toEqual(new Set(['nas', 'catalog']));
    expect(events).toHaveLength(1);
    expect(events[0]?.migrations).toEqual(applied.map((m) => m.name));
    expect(await migrate(config, { url: db.url })).toEqual([]);
    expect(events).toHaveLength(1);
    expect((await status(config, { url: db.url })).map((s) => [s.context, s.pending.length])).toEqual([
      ['nas', 0],
      ['catalog', 0],
    ]);
    expect((await check(config, { url: db.url })).clean).toBe(true);
  });
});

describe('the environment of an in-process run', () => {
  const db = useEmptyDatabase();
  const config = defineConfig({ contexts: [catalog] });

  it('takes TESSERA_MIGRATION_URL and the connection and migration settings from the env it is given', async () => {
    // The URL given is unusable; the migration URL of the environment is the database's.
    const unusable = 'postgresql://nobody@127.0.0.1:1/none';
    const applied = await migrate(config, { url: unusable, env: { TESSERA_MIGRATION_URL: db.url } });
    expect(applied.length).toBeGreaterThan(0);
    await expect(status(config, { url: db.url, env: { TESSERA_DB_CONNECT_ATTEMPTS: 'many' } })).rejects.toThrow(
      'TESSERA_DB_CONNECT_ATTEMPTS must be a positive integer (got "many")',
    );
    await expect(status(config, { url: db.url, env: { TESSERA_MIGRATION_LOCK_RETRIES: '500' } })).rejects.toThrow(
      'TESSERA_MIGRATION_LOCK_RETRIES must be an integer from 0 to 100 (got "500")',
    );
  });
});

describe('tessera migrate with a migration manifest', () => {
  const db = useEmptyDatabase();
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-cli-manifest-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs `tessera migrate` in-process against the test database; the config must not be needed. */
  async function migrateWith(manifest: string): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(
      ['migrate'],
      {
        manifest,
        config: async () => {
          throw new Error('the config was loaded');
        },
      },
      {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
        env: { ...process.env, DATABASE_URL: db.url },
      },
    );
    return { code, stdout, stderr };
  }

  it('answers a migrate with nothing to do without loading the config, and ignores a stale manifest', async () => {
    const config = defineConfig({ contexts: [catalog] });
    await migrate(config, { url: db.url });
    const composed = composeContexts([catalog]);
    const module = join(dir, 'Migration.js');
    await writeFile(module, 'export class Migration {}\n');
    const file = join(dir, 'migrations.manifest.json');
    await writeFile(
      file,
      JSON.stringify({
        format: MANIFEST_FORMAT,
        schemas: composed.schemas,
        migrations: await migrationChecksums(composed),
        sources: await manifestSources(file, [module]),
      }),
    );
    expect(await migrateWith(file)).toEqual({
      code: 0,
      stdout: 'The database is up to date; nothing to apply.\n',
      stderr: '',
    });

    // A migration module changed after the manifest was written: it is not trusted, so the config is loaded.
    await writeFile(module, 'export class Migration { edited = true }\n');
    const stale = await migrateWith(file);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('the config was loaded');
  });
});
