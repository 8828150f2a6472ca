import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeContexts } from '@tessera/kernel';
import { tcpProxy } from '@tessera/test-server';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkUpToDate,
  MANIFEST_FORMAT,
  MigrationEngine,
  type MigrationManifest,
  manifestSources,
  migrationChecksums,
  readManifest,
} from '../src/index.ts';
import { ALPHA_1, ALPHA_2, alphaBeta, sqlMigration } from './fixtures/contexts.ts';
import { emptyDatabase, journal } from './fixtures/db.ts';

let db: Awaited<ReturnType<typeof emptyDatabase>>;
let dir: string;
beforeEach(async () => {
  db = await emptyDatabase();
  dir = await mkdtemp(join(tmpdir(), 'tessera-manifest-'));
});
afterEach(async () => {
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

async function up(contexts: Parameters<typeof composeContexts>[0]) {
  const engine = await MigrationEngine.create({ composition: composeContexts(contexts), url: db.url });
  try {
    return await engine.up();
  } finally {
    await engine.close();
  }
}

/** A manifest of `contexts` whose one source is a file in the temp folder. */
async function manifestOf(contexts: Parameters<typeof composeContexts>[0]): Promise<MigrationManifest> {
  const composition = composeContexts(contexts);
  const source = join(dir, 'Migration.js');
  await writeFile(source, 'export class Migration {}\n');
  return {
    format: MANIFEST_FORMAT,
    schemas: [...composition.schemas],
    migrations: await migrationChecksums(composition),
    sources: await manifestSources(join(dir, 'manifest.json'), [source]),
  };
}

/** Asserts "maybe work" and closes the handed connection. */
async function expectWork(manifest: MigrationManifest) {
  const result = await checkUpToDate(manifest, db.url);
  expect(result.upToDate).toBe(false);
  if (!result.upToDate) {
    expect(result.client).toBeDefined();
    await result.client?.end();
  }
}

describe('migrationChecksums', () => {
  it('gives each migration exactly the checksum a run records in the journal', async () => {
    const { beta } = alphaBeta();
    await up([beta]);
    const recorded = (await journal(db.query)).map((r) => ({ name: r.name, context: r.context, checksum: r.checksum }));
    expect(await migrationChecksums(composeContexts([beta]))).toEqual(recorded);
  });
});

describe('readManifest', () => {
  it('reads a manifest whose modules are unchanged, and ignores one whose module was edited since', async () => {
    const manifest = await manifestOf([alphaBeta().beta]);
    const file = join(dir, 'manifest.json');
    await writeFile(file, JSON.stringify(manifest));
    expect(await readManifest(file)).toEqual(manifest);

    await writeFile(join(dir, 'Migration.js'), 'export class Migration { edited = true }\n');
    expect(await readManifest(file)).toBeUndefined();
  });

  it('records a package’s module by package name, so the manifest still holds in a tree deployed elsewhere', async () => {
    const tree = join(dir, 'workspace');
    const pkg = join(tree, 'node_modules', '@acme', 'context');
    await mkdir(join(pkg, 'dist', 'migrations'), { recursive: true });
    await mkdir(join(tree, 'app', 'dist'), { recursive: true });
    await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: '@acme/context' }));
    await writeFile(join(pkg, 'dist', 'migrations', 'Migration1.js'), 'export class Migration1 {}\n');
    const file = join(tree, 'app', 'dist', 'migrations.manifest.json');
    const sources = await manifestSources(file, [join(pkg, 'dist', 'migrations', 'Migration1.js')]);
    expect(sources).toEqual([
      {
        package: '@acme/context',
        file: 'dist/migrations/Migration1.js',
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    const manifest = { ...(await manifestOf([alphaBeta().beta])), sources };
    await writeFile(file, JSON.stringify(manifest));

    const deployed = join(dir, 'deployed');
    await cp(tree, deployed, { recursive: true });
    const moved = join(deployed, 'app', 'dist', 'migrations.manifest.json');
    expect(await readManifest(moved)).toEqual(manifest);
    await writeFile(
      join(deployed, 'node_modules', '@acme', 'context', 'dist', 'migrations', 'Migration1.js'),
      '// edited\n',
    );
    expect(await readManifest(moved)).toBeUndefined();
  });

  it('ignores a missing file, a missing module, another format and text that is not JSON', async () => {
    const manifest = await manifestOf([alphaBeta().beta]);
    const file = join(dir, 'manifest.json');
    expect(await readManifest(file)).toBeUndefined();
    await writeFile(file, JSON.stringify({ ...manifest, format: 99 }));
    expect(await readManifest(file)).toBeUndefined();
    await writeFile(file, '{ not json');
    expect(await readManifest(file)).toBeUndefined();
    await writeFile(file, JSON.stringify(manifest));
    await rm(join(dir, 'Migration.js'));
    expect(await readManifest(file)).toBeUndefined();
  });
});

describe('checkUpToDate', () => {
  it('is up to date once every migration is applied with its checksum, and opens one session for it', async () => {
    const { beta } = alphaBeta();
    await up([beta]);
    const manifest = await manifestOf([beta]);
    expect(await checkUpToDate(manifest, db.url)).toEqual({ upToDate: true });
    // The lock it held while reading is released: an engine run takes it at once.
    expect(await up([beta])).toEqual([]);
  });

  it('hands on its connection when a migration is pending, or the journal does not exist yet', async () => {
    await expectWork(await manifestOf([alphaBeta().beta]));
    await up([alphaBeta().beta]);
    await expectWork(await manifestOf([alphaBeta({ alpha: { [ALPHA_2]: sqlMigration(['select 1']) } }).beta]));
  });

  it('is not up to date when an applied checksum differs, and the engine then refuses the edited migration', async () => {
    const { beta } = alphaBeta();
    await up([beta]);
    await db.query(`update tessera.migrations set checksum = repeat('e', 64) where name = $1`, [ALPHA_1]);
    const manifest = await manifestOf([beta]);
    const result = await checkUpToDate(manifest, db.url);
    expect(result.upToDate).toBe(false);
    if (result.upToDate) return;
    const engine = await MigrationEngine.create({
      composition: composeContexts([beta]),
      url: db.url,
      ...(result.client ? { client: result.client } : {}),
    });
    try {
      await expect(engine.up()).rejects.toMatchObject({ code: 'MIGRATION_CHECKSUM_MISMATCH' });
    } finally {
      await engine.close();
    }
  });

  it('is not up to date when the journal has a migration the manifest lacks', async () => {
    const { beta } = alphaBeta({ alpha: { [ALPHA_2]: sqlMigration(['select 1']) } });
    await up([beta]);
    await expectWork(await manifestOf([alphaBeta().beta]));
  });

  it('is not up to date while an index of the composition is invalid (a migrate rebuilds it)', async () => {
    const { beta } = alphaBeta();
    await up([beta]);
    await db.query(`create index ix_scratch on alpha.things (name)`);
    await db.query(`update pg_index set indisvalid = false where indexrelid = 'alpha.ix_scratch'::regclass`);
    await expectWork(await manifestOf([beta]));
  });

  it('is not up to date while another session holds the migration lock', async () => {
    const { beta } = alphaBeta();
    await up([beta]);
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query('select pg_advisory_lock($1, $2)', [0x74657373, 0x6d696772]);
      await expectWork(await manifestOf([beta]));
    } finally {
      await other.end();
    }
  });

  it('through a proxy (not a direct connection) takes no lock and hands its connection to the engine', async () => {
    const { beta } = alphaBeta();
    await up([beta]);
    const proxy = tcpProxy(db.url);
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxied = new URL(db.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String((proxy.address() as { port: number }).port);
    try {
      const result = await checkUpToDate(await manifestOf([beta]), proxied.toString());
      expect(result.upToDate).toBe(false);
      const locks = await db.query(
        // pg_locks is the whole server's: other test files migrate their own databases under the same lock key.
        `select count(*)::int as n from pg_locks where locktype = 'advisory' and classid = $1::int::oid
           and objid = $2::int::oid and database = (select oid from pg_database where datname = current_database())`,
        [0x74657373, 0x6d696772],
      );
      expect(locks[0]?.n).toBe(0);
      if (!result.upToDate) await result.client?.end();
    } finally {
      proxy.close();
    }
  });

  it('reports no connection when the server cannot be reached, leaving the retries to the engine', async () => {
    const url = new URL(db.url);
    url.pathname = '/tessera_no_such_database';
    expect(await checkUpToDate(await manifestOf([alphaBeta().beta]), url.toString())).toEqual({
      upToDate: false,
      client: undefined,
    });
  });
});
