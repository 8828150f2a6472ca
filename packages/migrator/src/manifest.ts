// The no-op check of `migrate`, light enough to run before anything heavy is imported: it needs `pg` and a JSON
// file, not MikroORM, the migrations or the entities. Keep this module's imports to node:*, pg and the
// dependency-free modules beside it.
import { createHash } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { JOURNAL_SCHEMA } from './journal.ts';
import { connectionConfig, localPort, MIGRATION_LOCK_KEY } from './session-light.ts';

/** The manifest format this version reads and writes. */
export const MANIFEST_FORMAT = 1;

/**
 * What a composition's migrations are, precomputed: every migration's name, context and checksum (exactly the
 * checksum a run records), and the module files they were computed from with the sha256 of their content, so a
 * manifest that no longer matches its files is never trusted.
 */
export interface MigrationManifest {
  readonly format: typeof MANIFEST_FORMAT;
  /** The composition's schemas (one per context). */
  readonly schemas: readonly string[];
  readonly migrations: readonly { readonly name: string; readonly context: string; readonly checksum: string }[];
  /**
   * The migration modules: a file of a package (found as `node_modules/<package>` from the manifest's folder
   * upwards, as Node finds it, so the manifest holds in a deployed tree as in the workspace), or, without
   * `package`, a path relative to the manifest's folder.
   */
  readonly sources: readonly ManifestSource[];
}

/** One module a manifest was computed from, with the SHA-256 of its content. */
export interface ManifestSource {
  readonly package?: string;
  readonly file: string;
  readonly sha256: string;
}

/** The root of `name` as Node finds it from `from`: the first `node_modules/<name>` upwards. */
function packageRoot(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(candidate)) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

/** Where a source is now, or undefined when its package cannot be found from `base`. */
function sourcePath(base: string, source: ManifestSource): string | undefined {
  if (!source.package) return resolve(base, source.file);
  const root = packageRoot(base, source.package);
  return root === undefined ? undefined : join(root, source.file);
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * Reads the manifest at `file` and checks that every module it was computed from is still there, byte for byte.
 * Undefined when the file is absent, unreadable, of another format, or stale: the caller then loads the
 * migrations themselves, as without a manifest.
 */
export async function readManifest(file: string): Promise<MigrationManifest | undefined> {
  let manifest: MigrationManifest;
  try {
    manifest = JSON.parse(await readFile(file, 'utf8')) as MigrationManifest;
  } catch {
    return undefined;
  }
  if (manifest?.format !== MANIFEST_FORMAT || !Array.isArray(manifest.sources) || manifest.sources.length === 0) {
    return undefined;
  }
  const base = dirname(file);
  try {
    const current = await Promise.all(
      manifest.sources.map((s) => {
        const path = sourcePath(base, s);
        if (path === undefined) throw new Error(`package ${s.package} not found`);
        return readFile(path);
      }),
    );
    return current.every((content, i) => sha256(content) === manifest.sources[i]?.sha256) ? manifest : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The content hashes of `files` (absolute) as a manifest's `sources`: a file inside a package that Node finds from
 * the manifest's folder is recorded by package name and path within it; a file in no package, relative to the
 * manifest's folder. Files of a package the manifest's folder cannot see (a dependency of a dependency) are left
 * out: a later lookup could not find them either.
 */
export async function manifestSources(manifestFile: string, files: readonly string[]): Promise<ManifestSource[]> {
  const { relative } = await import('node:path');
  const base = dirname(resolve(manifestFile));
  const posix = (path: string) => path.split('\\').join('/');
  const sources: ManifestSource[] = [];
  for (const file of [...new Set(files)].sort()) {
    const hash = sha256(await readFile(file));
    let pkg: string | undefined;
    let root: string | undefined;
    for (let dir = dirname(file); dirname(dir) !== dir; dir = dirname(dir)) {
      const manifest = join(dir, 'package.json');
      if (!existsSync(manifest)) continue;
      const name = (JSON.parse(await readFile(manifest, 'utf8')) as { name?: unknown }).name;
      if (typeof name === 'string') {
        pkg = name;
        root = dir;
      }
      break;
    }
    if (pkg === undefined || root === undefined) {
      sources.push({ file: posix(relative(base, file)), sha256: hash });
    } else if (packageRoot(base, pkg) === realpathSync(root)) {
      sources.push({ package: pkg, file: posix(relative(root, file)), sha256: hash });
    }
  }
  return sources;
}

/** What {@link checkUpToDate} found. */
export type UpToDate =
  /** Every migration of the manifest is applied with the same checksum, none else is, and no index is invalid. */
  | { readonly upToDate: true }
  /**
   * There may be work (or the answer needs the full engine: another run holds the lock, the connection goes
   * through a proxy or pooler, the journal is absent). `client` is the open connection, to be handed to the
   * engine so the run still uses one connection; undefined when connecting failed (the engine retries and reports).
   */
  | { readonly upToDate: false; readonly client: pg.Client | undefined };

/**
 * Decides, on one connection and without loading any migration, whether a `migrate` of the manifest's
 * composition has nothing to do. It holds the migration lock while it reads (a run in progress sends it to the
 * full path), reads the journal and the invalid indexes in one statement, and releases the lock. Only a direct
 * connection answers here: behind a proxy or pooler the engine's own session checks decide.
 */
export async function checkUpToDate(manifest: MigrationManifest, url: string): Promise<UpToDate> {
  const client = new pg.Client(connectionConfig(url, 'tessera-migrate'));
  client.on('error', () => {});
  try {
    await client.connect();
  } catch {
    await client.end().catch(() => {});
    return { upToDate: false, client: undefined };
  }
  try {
    const journal = `"${JOURNAL_SCHEMA}"."migrations"`;
    // The lock is tried only on a direct connection (the server sees our own socket's port; both are null on a Unix
    // socket): through a transaction pooler the unlock could run on another server session and leave it held.
    const first = await client.query<{ locked: boolean; journal: boolean }>(
      `select case when inet_client_port() is not distinct from $3::int then pg_try_advisory_lock($1, $2)
                   else false end as locked,
              to_regclass('${journal}') is not null as journal`,
      [...MIGRATION_LOCK_KEY, localPort(client) ?? null],
    );
    const state = first.rows[0];
    if (!state?.locked) return { upToDate: false, client };
    if (!state.journal) {
      await client.query('select pg_advisory_unlock($1, $2)', [...MIGRATION_LOCK_KEY]);
      return { upToDate: false, client };
    }
    const { rows } = await client.query<{ applied: { name: string; checksum: string }[]; invalid: number }>(
      `select coalesce((select jsonb_agg(jsonb_build_object('name', m.name, 'checksum', m.checksum))
                          from ${journal} m where m.context = any($3::text[])), '[]'::jsonb) as applied,
              (select count(*)::int from pg_index i join pg_class c on c.oid = i.indexrelid
                 join pg_namespace n on n.oid = c.relnamespace
                where not i.indisvalid and n.nspname = any($3::text[])) as invalid,
              pg_advisory_unlock($1, $2) as unlocked`,
      [...MIGRATION_LOCK_KEY, [...manifest.schemas]],
    );
    const row = rows[0];
    const applied = new Map((row?.applied ?? []).map((a) => [a.name, a.checksum]));
    const same =
      row !== undefined &&
      row.invalid === 0 &&
      applied.size === manifest.migrations.length &&
      manifest.migrations.every((m) => applied.get(m.name) === m.checksum);
    if (!same) return { upToDate: false, client };
    await client.end().catch(() => {});
    return { upToDate: true };
  } catch {
    // Anything unexpected: let the engine do the full run on a fresh connection and report what fails.
    await client.end().catch(() => {});
    return { upToDate: false, client: undefined };
  }
}
