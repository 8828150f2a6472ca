import { describe, expect, it } from 'vitest';
import { expectRaceAppliedOnce, journal, useEngineDatabase } from './fixtures/db.ts';
import { startEngine } from './fixtures/spawn.ts';

const db = useEngineDatabase();

const start = (scenario: string) => startEngine(db.url, scenario);

describe('concurrent and interrupted runs (separate processes)', () => {
  it('eight runs at once all succeed and apply each migration exactly once', async () => {
    const runs = Array.from({ length: 8 }, () => start('race'));
    const results = await Promise.all(runs.map((r) => r.done));
    for (const r of results) expect(r.code, r.out).toBe(0);
    await expectRaceAppliedOnce(db.query);
    const appliers = results.filter((r) => /"type":"result","applied":\["/.test(r.out));
    expect(appliers).toHaveLength(1);
  });

  it('a run killed part-way leaves the last fully applied migration, and the next run completes', async () => {
    const first = start('slow');
    // Wait until the slow migration has started (the first two are committed by then).
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(async () => {
        const rows = await db
          .query(
            `select count(*)::int as n from pg_stat_activity where query = 'select pg_sleep(3)' and state = 'active'`,
          )
          .catch(reject);
        if (rows && Number(rows[0]?.n) > 0) {
          clearInterval(timer);
          resolve();
        }
      }, 50);
    });
    first.child.kill('SIGKILL');
    await first.done;
    expect((await journal(db.query)).map((r) => r.name)).toEqual([
      'Migration20260101000000_alpha_init',
      'Migration20260201000000_beta_init',
    ]);
    expect((await db.query(`select to_regclass('beta.slow') is not null as ok`))[0]?.ok).toBe(false);
    // The next run applies the interrupted migration again, from the start, and completes.
    const second = await start('slow').done;
    expect(second.code, second.out).toBe(0);
    expect((await journal(db.query)).map((r) => r.name)).toEqual([
      'Migration20260101000000_alpha_init',
      'Migration20260201000000_beta_init',
      'Migration20260401000000_beta_slow',
    ]);
    expect((await db.query(`select to_regclass('beta.slow') is not null as ok`))[0]?.ok).toBe(true);
  });
});
