import { describe, expect, it } from 'vitest';
import { refreshMaterializedViews } from '../src/index.ts';
import { useKernelDatabase } from './support/database.ts';

describe('refreshMaterializedViews', () => {
  const db = useKernelDatabase();

  it('refreshes each declared view in order, concurrently where declared, so it shows the rows written since', async () => {
    await db.query(`create materialized view kt.team_count as select count(*)::int as n from kt.teams`);
    await db.query(`create unique index ix_team_count_n on kt.team_count (n)`);
    await db.query(`create materialized view kt.member_count as select count(*)::int as n from kt.members`);
    await db.query(`insert into kt.teams (id, name, kind, size) values (gen_random_uuid(), 'Kites', 'club', 3)`);
    expect(await db.query('select n from kt.team_count')).toEqual([{ n: 0 }]);

    const refreshed = await refreshMaterializedViews(db.em(), [
      { schema: 'kt', name: 'team_count', concurrently: true },
      { schema: 'kt', name: 'member_count', concurrently: false },
    ]);
    expect(refreshed).toEqual(['kt.team_count', 'kt.member_count']);
    expect(await db.query('select n from kt.team_count')).toEqual([{ n: 1 }]);
  });

  it('fails, naming the view, when a concurrent refresh has no unique index to work with', async () => {
    await db.query(`create materialized view kt.no_index as select 1 as n`);
    await expect(
      refreshMaterializedViews(db.em(), [{ schema: 'kt', name: 'no_index', concurrently: true }]),
    ).rejects.toThrow(/no_index/);
  });
});
