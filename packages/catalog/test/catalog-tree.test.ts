import { CheckViolationError, UniqueViolationError, ValidationError } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { catalog } from '../src/context.ts';
import { CatalogRepository, Season, softDelete } from '../src/index.ts';
import { projectFactory, seasonFactory } from '../src/testing.ts';

const db = useTestDatabase(catalog);
const count = async (sql: string, params: unknown[]) =>
  (await db.query<{ n: number }>(`select count(*)::int as n ${sql}`, params))[0]?.n;

describe('createCatalogTree: one savepoint per season', () => {
  it('creates the whole tree: project, seasons, events and episodes', async () => {
    const { project, seasons, skipped } = await new CatalogRepository(db.em()).createCatalogTree({
      project: { code: 'WSOP_TREE', name: 'World Series of Poker' },
      seasons: [
        {
          year: 2024,
          events: [
            {
              eventNumber: 1,
              name: 'Main Event',
              buyIn: 10000,
              episodes: [
                { episodeNumber: 1, title: 'Day 1A' },
                { episodeNumber: 2, title: 'Day 1B' },
              ],
            },
            { eventNumber: 2, name: 'High Roller', buyIn: 50000 },
          ],
        },
        { year: 2025, location: 'Las Vegas' },
      ],
    });
    expect(skipped).toEqual([]);
    expect(seasons.map((s) => s.name)).toEqual(['2024 Season', '2025 Season']);
    expect(await count('from catalog.seasons where project_id = $1', [project.id])).toBe(2);
    expect(
      await count('from catalog.events e join catalog.seasons s on s.id = e.season_id where s.project_id = $1', [
        project.id,
      ]),
    ).toBe(2);
    expect(
      await count('from catalog.episodes x join catalog.events e on e.id = x.event_id where e.name = $1', [
        'Main Event',
      ]),
    ).toBe(2);
  });

  it('reports and skips a bad season (with everything under it), and commits the rest', async () => {
    const { project, seasons, skipped } = await new CatalogRepository(db.em()).createCatalogTree({
      project: { code: 'EPT_TREE', name: 'European Poker Tour' },
      seasons: [
        { year: 2023, events: [{ eventNumber: 1, name: 'Main' }] },
        {
          year: 2024,
          events: [{ eventNumber: 1, name: 'Main', buyIn: -5, episodes: [{ episodeNumber: 1, title: 'Lost' }] }],
        },
        { year: 1800 },
        { year: 2025, startDate: '2025-05-10', endDate: '2025-05-01' },
        { year: 2026, events: [{ eventNumber: 2, name: 'Side' }] },
      ],
    });
    expect(seasons.map((s) => s.year)).toEqual([2023, 2026]);
    expect(
      skipped.map((s) => [s.index, s.year, s.error.constructor, (s.error as CheckViolationError).constraint]),
    ).toEqual([
      [1, 2024, CheckViolationError, 'ck_events_buy_in_not_negative'],
      [2, 1800, CheckViolationError, 'ck_seasons_year_range'],
      [3, 2025, CheckViolationError, 'ck_seasons_dates_ordered'],
    ]);
    expect(skipped[1]?.error).toMatchObject({ entity: 'Season', field: 'year' });
    expect(
      await db.query('select year from catalog.seasons where project_id = $1 order by year', [project.id]),
    ).toEqual([{ year: 2023 }, { year: 2026 }]);
    expect(await count(`from catalog.episodes where title = 'Lost'`, [])).toBe(0);
    expect(await count(`from catalog.events where name = 'Main' and buy_in < 0`, [])).toBe(0);
  });

  it('a value too long for its column is a typed ValidationError naming the field, and only that season is skipped', async () => {
    const repo = new CatalogRepository(db.em());
    const { seasons, skipped } = await repo.createCatalogTree({
      project: { code: 'DB_FAIL_TREE', name: 'Tree' },
      seasons: [{ year: 2020, name: 'x'.repeat(201) }, { year: 2021 }],
    });
    expect(seasons.map((s) => s.year)).toEqual([2021]);
    expect(skipped[0]?.error).toBeInstanceOf(ValidationError);
    expect(skipped[0]?.error).toMatchObject({ entity: 'Season', field: 'name' });
  });

  it('a bad project fails the whole tree with a typed error, writing nothing', async () => {
    await projectFactory(db.em(), { code: 'TAKEN_TREE' });
    const error = await new CatalogRepository(db.em())
      .createCatalogTree({ project: { code: 'TAKEN_TREE', name: 'Again' }, seasons: [{ year: 2024 }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(error).toMatchObject({ entity: 'Project', field: 'code', constraint: 'ix_projects_code' });
    const bad = await new CatalogRepository(db.em())
      .createCatalogTree({ project: { code: 'lower case', name: 'Bad' }, seasons: [{ year: 2024 }] })
      .catch((e: unknown) => e);
    expect(bad).toMatchObject({ entity: 'Project', field: 'code', constraint: 'ck_projects_code_format' });
    expect(await count(`from catalog.projects where name in ('Again', 'Bad')`, [])).toBe(0);
  });
});

describe('eager loading and pagination: one query per level, pages of plain rows', () => {
  it('pages projects by code with their live seasons and events loaded, and a total', async () => {
    const em = db.em();
    const repo = new CatalogRepository(em);
    for (const code of ['PG_A', 'PG_B', 'PG_C']) {
      await repo.createCatalogTree({
        project: { code, name: code },
        seasons: [
          {
            year: 2024,
            events: [
              { eventNumber: 2, name: `${code} two` },
              { eventNumber: 1, name: `${code} one` },
            ],
          },
          { year: 2023 },
        ],
      });
    }
    const gone = await db.query<{ id: string }>(
      `select s.id from catalog.seasons s join catalog.projects p on p.id = s.project_id where p.code = 'PG_B' and s.year = 2023`,
    );
    await softDelete(db.em(), Season, gone[0]?.id as string);

    const page = await new CatalogRepository(db.em()).listProjects({ page: 2, limit: 1 });
    const codes = (
      await db.query<{ code: string }>(`select code from catalog.projects where deleted_at is null order by code`)
    ).map((r) => r.code);
    expect(page.total).toBe(codes.length);
    expect(page.items.map((p) => p.code)).toEqual([codes[1]]);

    const all = await new CatalogRepository(db.em()).listProjects({ page: 1, limit: 100 });
    const b = all.items.find((p) => p.code === 'PG_B');
    expect(b?.seasons.isInitialized()).toBe(true);
    expect(b?.seasons.getItems().map((s) => s.year)).toEqual([2024]); // the deleted 2023 season is not loaded
    expect(
      b?.seasons
        .getItems()[0]
        ?.events.getItems()
        .map((e) => e.eventNumber),
    ).toEqual([1, 2]);
  });

  it('project summaries carry only id, code and name', async () => {
    await projectFactory(db.em(), { code: 'AAA_SUMMARY' });
    const { items } = await new CatalogRepository(db.em()).projectSummaries({ limit: 1 });
    expect(Object.keys(items[0] ?? {}).sort()).toEqual(['code', 'id', 'name']);
  });

  it('rejects a bad page with a typed error', async () => {
    const error = await new CatalogRepository(db.em()).listProjects({ page: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ entity: 'Project', field: 'page' });
  });

  it('season factories build seasons of new projects', async () => {
    const season = await seasonFactory(db.em(), { year: 2011 });
    expect(season).toMatchObject({ year: 2011, name: '2011 Season' });
    expect(season.project.code).toMatch(/^PROJECT_/);
  });
});
