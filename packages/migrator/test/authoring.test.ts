import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineEntity, p } from '@mikro-orm/core';
import { type ContextModule, composeContexts } from '@tessera/kernel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMigration, lintCreatedMigration, pendingEntityChanges } from '../src/authoring.ts';
import { ALPHA_1, alphaBeta, fixtureContext, Thing } from './fixtures/contexts.ts';

const itemProperties = {
  id: p.integer().primary(),
  label: p.string().length(50),
  thing: () => p.manyToOne(Thing),
};
const Item = defineEntity({ name: 'Item', tableName: 'items', schema: 'beta', properties: itemProperties });
const ItemWithNote = defineEntity({
  name: 'Item',
  tableName: 'items',
  schema: 'beta',
  properties: { ...itemProperties, note: p.text().nullable() },
});

let dir: string;
beforeEach(() => {
  // Inside the package, so the generated files resolve @mikro-orm/migrations like real ones would.
  dir = join(fileURLToPath(new URL('.', import.meta.url)), `.work-${process.pid}-${Date.now()}`);
  mkdirSync(join(dir, 'src', 'migrations'), { recursive: true });
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const { alpha } = alphaBeta();
const betaWith = (entity: ContextModule['entities'][number]) =>
  fixtureContext('beta', {}, { dependsOn: [alpha], entities: [entity] });
const files = () =>
  readdirSync(join(dir, 'src', 'migrations'))
    .filter((f) => f.startsWith('Migration'))
    .sort();

/** Two injected moments a minute apart, for migrations that must sort in creation order. */
const T0 = new Date('2027-01-02T03:04:05Z');
const T1 = new Date('2027-01-02T03:05:00Z');

describe('migration:create', () => {
  it("writes only the context's own DDL, with a foreign key into its dependency and a dependsOn on it", async () => {
    const file = await createMigration(betaWith(Item), dir, 'init');
    expect(file).toMatch(/^Migration\d{14}_beta_init\.ts$/);
    const code = readFileSync(join(dir, 'src', 'migrations', file as string), 'utf8');
    expect(code).toContain('create table "beta"."items"');
    expect(code).toContain('references "alpha"."things" ("id")');
    expect(code).not.toMatch(/create table "alpha"/);
    expect(code).toContain(`static readonly dependsOn = ["${ALPHA_1}"]`);
    expect(code).toMatch(/export class Migration\d{14}_beta_init extends Migration/);
    const index = readFileSync(join(dir, 'src', 'migrations', 'index.ts'), 'utf8');
    expect(index).toContain(
      `{ name: '${(file as string).replace('.ts', '')}', class: ${(file as string).replace('.ts', '')} }`,
    );
  });

  it('writes nothing when the entities match the snapshot', async () => {
    await createMigration(betaWith(Item), dir, 'init');
    expect(await createMigration(betaWith(Item), dir, 'again')).toBeUndefined();
    expect(files()).toHaveLength(1);
  });

  it('writes just the change when a property is added, from the committed snapshot, with no database', async () => {
    // Migration names carry the second they were created in: a clock a minute later orders them without waiting.
    await createMigration(betaWith(Item), dir, 'init', { now: T0 });
    const file = await createMigration(betaWith(ItemWithNote), dir, 'add_note', { now: T1 });
    expect(file).toBe('Migration20270102030500_beta_add_note.ts');
    const code = readFileSync(join(dir, 'src', 'migrations', file as string), 'utf8');
    expect(code).toContain('export class Migration20270102030500_beta_add_note extends Migration');
    expect(code).toContain('alter table "beta"."items" add "note" text null');
    expect(code).not.toContain('create table');
    expect(files()).toHaveLength(2);
  });
});

describe('migration:create --blank', () => {
  it("writes an empty migration for raw SQL, after the context's last one", async () => {
    await createMigration(betaWith(Item), dir, 'init', { now: T0 });
    const file = await createMigration(betaWith(Item), dir, 'policies', { blank: true, now: T1 });
    const code = readFileSync(join(dir, 'src', 'migrations', file as string), 'utf8');
    expect(code).toMatch(/override up\(\): void \{\n\s+this\.addSql\(`select 1`\);/);
    expect(files()).toHaveLength(2);
  });

  it('refuses while entity changes have no migration, so the snapshot cannot swallow them', async () => {
    await createMigration(betaWith(Item), dir, 'init');
    await expect(createMigration(betaWith(ItemWithNote), dir, 'raw', { blank: true })).rejects.toThrow(
      /the entities have changes no migration records/,
    );
    expect(files()).toHaveLength(1);
  });
});

describe('migration:check', () => {
  it('passes when every entity change has a migration and fails, with the missing SQL, when one does not', async () => {
    await createMigration(betaWith(Item), dir, 'init');
    expect(await pendingEntityChanges(betaWith(Item), dir)).toBe('');
    expect(await pendingEntityChanges(betaWith(ItemWithNote), dir)).toContain(
      'alter table "beta"."items" add "note" text null',
    );
  });

  it('fails for a context that has no snapshot yet', async () => {
    expect(await pendingEntityChanges(betaWith(Item), dir)).toMatch(/has no committed snapshot/);
  });
});

describe('migration:create lint', () => {
  it('lints the file it just wrote: a dropped column is reported with migration, statement and rule', async () => {
    await createMigration(betaWith(ItemWithNote), dir, 'init');
    const file = await createMigration(betaWith(Item), dir, 'drop_note');
    if (!file) throw new Error('no migration written');
    const findings = await lintCreatedMigration(composeContexts([alpha]), betaWith(Item), dir, file);
    expect(findings).toContainEqual(
      expect.objectContaining({
        migration: file.replace(/\.ts$/, ''),
        statement: 1,
        rule: 'tessera/destructive-change',
        message: expect.stringContaining('drops column beta.items.note'),
      }),
    );
  });
});
