import { CatalogRepository } from '@tessera/catalog';
import { projectFactory, seasonFactory } from '@tessera/catalog/testing';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import config from '../tessera.config.ts';

// A database of this file's own, migrated for the service's composition (catalog and nas).
const db = useTestDatabase(...config.contexts);

describe('the service against its own migrated database', () => {
  it('has exactly the schemas of its composition', async () => {
    const rows = await db.query<{ name: string }>(
      `select nspname as name from pg_namespace where nspname in ('identity', 'nas', 'catalog') order by 1`,
    );
    expect(rows.map((r) => r.name)).toEqual(['catalog', 'nas']);
  });

  it('creates rows with the factories and lists them through the repository', async () => {
    const project = await projectFactory(db.em(), { code: 'SVC_FACTORY' });
    await seasonFactory(db.em(), { project, year: 2024 });
    const page = await new CatalogRepository(db.em()).listProjects();
    expect(page.items.map((p) => [p.code, p.seasons.getItems().map((s) => s.year)])).toEqual([['SVC_FACTORY', [2024]]]);
  });

  it('refuses a project code the catalog does not allow, naming the field', async () => {
    await expect(new CatalogRepository(db.em()).createProject({ code: 'bad code', name: 'x' })).rejects.toMatchObject({
      entity: 'Project',
      fields: ['code'],
    });
  });
});
