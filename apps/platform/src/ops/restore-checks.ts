import { hostname } from 'node:os';
import { isAlive } from '@tessera/embedded-pg';
import { TesseraError } from '@tessera/kernel';
import type pg from 'pg';
import { platform } from '../composition.ts';

/** A backup without its manifest: nothing to verify the restore against. */
export class BackupManifestMissingError extends TesseraError {
  constructor(file: string) {
    super(
      'BACKUP_MANIFEST_MISSING',
      `${file} has no manifest (${file}.manifest.json), so the restore could not be verified: put the manifest ` +
        'next to it, or pass --unverified to restore without verification. Nothing was changed.',
    );
  }
}

/** A context restore whose dependencies (other contexts' schemas) are absent from the target database. */
export class RestoreDependenciesMissingError extends TesseraError {
  constructor(context: string, database: string, missing: readonly string[]) {
    super(
      'RESTORE_DEPENDENCIES_MISSING',
      `context "${context}" depends on ${missing.map((m) => `"${m}"`).join(', ')}, which database "${database}" ` +
        'does not hold: restore a whole-database backup, or restore those contexts (or migrate them) into it first. ' +
        'Nothing was created or changed.',
    );
  }
}

/** Objects of other contexts that depend on the schemas a forced restore would drop. */
export class RestoreBreaksDependentsError extends TesseraError {
  constructor(database: string, schemas: readonly string[], dependents: readonly string[]) {
    super(
      'RESTORE_BREAKS_DEPENDENTS',
      `restoring ${schemas.join(', ')} into database "${database}" would drop ${dependents.length} object(s) of ` +
        `other contexts that depend on it: ${dependents.join('; ')}. Restore a whole-database backup instead, ` +
        'or into a new database. Nothing was changed.',
    );
  }
}

/** The schemas (contexts) `context` depends on, directly or not. */
export function dependenciesOf(context: string): string[] {
  const found = new Set<string>();
  const visit = (name: string) => {
    const ctx = platform.contexts.find((c) => c.name === name);
    for (const dep of ctx?.dependsOn ?? []) {
      if (!found.has(dep.name)) {
        found.add(dep.name);
        visit(dep.name);
      }
    }
  };
  visit(context);
  return [...found];
}

/** Which of `schemas` hold no table in the database of `client`. */
export async function absentSchemas(client: pg.ClientBase, schemas: readonly string[]): Promise<string[]> {
  const { rows } = await client.query<{ schema: string }>(
    `select s as schema from unnest($1::text[]) s
      where not exists (select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
                         where n.nspname = s and c.relkind in ('r', 'p'))`,
    [schemas],
  );
  return rows.map((r) => r.schema);
}

/**
 * Objects outside `schemas` that a `drop schema … cascade` of them would drop with them: other contexts' foreign
 * keys into them, and views over them. Each is described as PostgreSQL names it.
 */
export async function outsideDependents(client: pg.ClientBase, schemas: readonly string[]): Promise<string[]> {
  const { rows } = await client.query<{ what: string }>(
    `select distinct pg_describe_object(d.classid, d.objid, 0) as what
       from pg_depend d
       join pg_class ref on d.refclassid = 'pg_class'::regclass and ref.oid = d.refobjid
       join pg_namespace refns on refns.oid = ref.relnamespace and refns.nspname = any($1)
       left join pg_constraint con on d.classid = 'pg_constraint'::regclass and con.oid = d.objid
       left join pg_rewrite rw on d.classid = 'pg_rewrite'::regclass and rw.oid = d.objid
       join pg_class owner on owner.oid = coalesce(con.conrelid, rw.ev_class)
       join pg_namespace ns on ns.oid = owner.relnamespace
      where d.deptype = 'n' and not (ns.nspname = any($1))
      order by 1`,
    [schemas],
  );
  return rows.map((r) => r.what);
}

/** The comment a database being restored carries, so a later restore can tell when its restorer died. */
export interface RestoringMark {
  readonly tessera: 'restoring';
  readonly host: string;
  readonly pid: number;
  readonly target: string;
}

/** The temporary name a new database is restored under, renamed to its real name once verified. */
export function restoringName(): string {
  return `tessera_restoring_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

/** The mark of a database this process is restoring into. */
export function restoringMark(target: string): RestoringMark {
  return { tessera: 'restoring', host: hostname(), pid: process.pid, target };
}

/**
 * Drops databases that a killed restore on this machine left under a temporary name (its process is gone);
 * returns their names.
 */
export async function dropStaleRestores(admin: pg.ClientBase): Promise<string[]> {
  const { rows } = await admin.query<{ name: string; comment: string | null }>(
    `select d.datname as name, shobj_description(d.oid, 'pg_database') as comment
       from pg_database d where d.datname like 'tessera\\_restoring\\_%'`,
  );
  const dropped: string[] = [];
  for (const row of rows) {
    let mark: Partial<RestoringMark> = {};
    try {
      mark = JSON.parse(row.comment ?? '{}') as Partial<RestoringMark>;
    } catch {
      continue;
    }
    if (mark.tessera !== 'restoring' || mark.host !== hostname() || typeof mark.pid !== 'number') continue;
    if (isAlive(mark.pid)) continue;
    await admin.query(`drop database if exists ${admin.escapeIdentifier(row.name)} with (force)`);
    dropped.push(row.name);
  }
  return dropped;
}
