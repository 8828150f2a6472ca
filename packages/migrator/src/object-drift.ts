import { randomBytes } from 'node:crypto';
import { type Composition, TesseraError } from '@tessera/kernel';
import pg from 'pg';
import { type CatalogObject, catalogSnapshot } from './catalog-snapshot.ts';
import { MigrationEngine } from './engine.ts';

/** Prefix of every scratch database the object drift check creates; leftovers older than an hour are dropped. */
export const SCRATCH_PREFIX = 'tessera_drift_';
const LEFTOVER_AGE_S = 3600;

/** One object that differs between the database and what the migrations produce. */
export interface ObjectDrift {
  readonly kind: string;
  readonly name: string;
  /** missing: the migrations create it and the database lacks it; changed: both have it, defined differently;
   * unexpected: the database has it and no migration creates it. */
  readonly problem: 'missing' | 'changed' | 'unexpected';
  readonly expected?: string;
  readonly found?: string;
  /** One line for a person: "index catalog.ix_hand_clips_notes_gin is missing". */
  readonly message: string;
}

/** The scratch database the comparison needs could not be created or migrated. */
export class DriftScratchError extends TesseraError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(
      'DRIFT_SCRATCH_DATABASE',
      `the drift check could not prepare its scratch database: ${reason}. It needs a role that may CREATE DATABASE ` +
        'on the server of the checked database, or a server URL in TESSERA_DRIFT_SCRATCH_URL where it may',
      options,
    );
  }
}

const short = (s: string | undefined) => {
  const one = (s ?? '').replace(/\s+/g, ' ').trim();
  return one.length > 200 ? `${one.slice(0, 200)}…` : one;
};

/**
 * Compares two catalog snapshots: what the migrations produce (`expected`) against the database (`actual`).
 * An object whose parent relation or schema is itself missing (or unexpected) is not listed again.
 */
export function compareSnapshots(expected: readonly CatalogObject[], actual: readonly CatalogObject[]): ObjectDrift[] {
  const key = (o: CatalogObject) => `${o.kind}\u0000${o.name}`;
  const have = new Map(actual.map((o) => [key(o), o]));
  const want = new Map(expected.map((o) => [key(o), o]));
  const isContainer = (o: CatalogObject) => o.name === o.parent || o.kind === 'schema';
  const missingContainers = new Set(expected.filter((o) => isContainer(o) && !have.has(key(o))).map((o) => o.name));
  const extraContainers = new Set(actual.filter((o) => isContainer(o) && !want.has(key(o))).map((o) => o.name));
  const schemaOf = (parent: string) => parent.split('.')[0] ?? parent;
  const out: ObjectDrift[] = [];
  for (const o of expected) {
    const found = have.get(key(o));
    if (!found) {
      if (!isContainer(o) && (missingContainers.has(o.parent) || missingContainers.has(schemaOf(o.parent)))) continue;
      if (isContainer(o) && o.kind !== 'schema' && missingContainers.has(schemaOf(o.parent))) continue;
      out.push({
        kind: o.kind,
        name: o.name,
        problem: 'missing',
        expected: o.definition,
        message: `${o.kind} ${o.name} is missing`,
      });
    } else if (found.definition !== o.definition) {
      out.push({
        kind: o.kind,
        name: o.name,
        problem: 'changed',
        expected: o.definition,
        found: found.definition,
        message: `${o.kind} ${o.name} differs from what the migrations create: expected ${short(o.definition) || '(nothing)'}, found ${short(found.definition) || '(nothing)'}`,
      });
    }
  }
  for (const o of actual) {
    if (want.has(key(o))) continue;
    if (!isContainer(o) && (extraContainers.has(o.parent) || extraContainers.has(schemaOf(o.parent)))) continue;
    out.push({
      kind: o.kind,
      name: o.name,
      problem: 'unexpected',
      found: o.definition,
      message: `${o.kind} ${o.name} exists, but no migration creates it`,
    });
  }
  return out.sort((a, b) => a.message.localeCompare(b.message));
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'tessera-drift' });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Drops scratch databases an earlier check left behind (killed mid-run), once they are over an hour old. */
async function dropLeftovers(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [
    `${SCRATCH_PREFIX}%`,
  ]);
  const now = Math.floor(Date.now() / 1000);
  for (const { datname } of rows) {
    const created = Number(/^tessera_drift_(\d+)_/.exec(datname)?.[1]);
    if (Number.isFinite(created) && now - created > LEFTOVER_AGE_S) {
      await client.query(`drop database if exists "${datname}" with (force)`).catch(() => undefined);
    }
  }
}

/**
 * Compares every object the composition's migrations create (tables, columns, constraints, indexes, views and
 * materialized views, partitions, triggers, functions, types, policies, RLS flags, grants, default privileges)
 * in `url` with a scratch database migrated from the same code, per composed schema. The monthly partitions
 * partition maintenance creates ahead are not drift; the DEFAULT partition a migration creates must be there.
 * The scratch database is created on `scratchServerUrl` (default: the checked database's server) and dropped
 * when done, whatever happens.
 */
export async function checkObjectDrift(
  composition: Composition,
  url: string,
  options: { scratchServerUrl?: string } = {},
): Promise<ObjectDrift[]> {
  const server = options.scratchServerUrl ?? url;
  // When it was made (for the leftover sweep) and by which process: a leftover names the run that left it.
  const name = `${SCRATCH_PREFIX}${Math.floor(Date.now() / 1000)}_${process.pid}_${randomBytes(4).toString('hex')}`;
  try {
    await admin(server, async (client) => {
      await dropLeftovers(client);
      await client.query(`create database "${name}"`);
    });
  } catch (error) {
    throw new DriftScratchError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  try {
    const scratch = withDatabase(server, name);
    const engine = await MigrationEngine.create({ composition, url: scratch });
    try {
      await engine.up();
    } finally {
      await engine.close();
    }
    const expected = await admin(scratch, (c) => catalogSnapshot(c, composition.schemas));
    const actual = await admin(url, (c) => catalogSnapshot(c, composition.schemas));
    return compareSnapshots(expected, actual);
  } finally {
    await admin(server, (c) => c.query(`drop database if exists "${name}" with (force)`)).catch(() => undefined);
  }
}
