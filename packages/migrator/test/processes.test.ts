import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyDatabase, journal } from './fixtures/db.ts';

const script = fileURLToPath(new URL('./fixtures/run-engine.ts', import.meta.url));

let db: Awaited<ReturnType<typeof emptyDatabase>>;
beforeEach(async () => {
  db = await emptyDatabase();
});
afterEach(async () => {
  await db.drop();
});

function start(scenario: string): { child: ChildProcess; done: Promise<{ code: number | null; out: string }> } {
  const child = spawn(process.execPath, ['--conditions=@tessera/source', script, db.url, scenario], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const done = new Promise<{ code: number | null; out: string }>((resolve) => {
    child.on('exit', (code) => resolve({ code, out }));
  });
  return { child, done };
}

describe('concurrent and interrupted runs (separate processes)', () => {
  it('eight runs at once all succeed and apply each migration exactly once', async () => {
    const runs = Array.from({ length: 8 }, () => start('race'));
    const results = await Promise.all(runs.map((r) => r.done));
    for (const r of results) expect(r.code, r.out).toBe(0);
    const names = (await journal(db.query)).map((r) => r.name);
    expect(names).toHaveLength(3);
    expect(new Set(names).size).toBe(3);
    const seeded = await db.query(`select count(*)::int as n from alpha.things where name = 'seeded once'`);
    expect(seeded[0]?.n).toBe(1);
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
