// scratch: breakdown of the engine's time (deleted after use)
import { MikroORM } from '@mikro-orm/postgresql';
import { ormOptions } from '@tessera/kernel';
import { MigrationEngine } from '@tessera/migrator';
import { cloneDatabase, ensureTemplate, startTestServer } from '@tessera/test-server';
import pg from 'pg';
import { acquireMigrationLock } from '../../../packages/migrator/src/lock.ts';
import { ensureJournal, readJournal, recordApplied } from '../../../packages/migrator/src/journal.ts';
import { platform } from '../src/composition.ts';

const N = Number(process.env.N ?? 15);
const configured = process.env.TEST_DATABASE_URL;
const server = configured ? { adminUrl: configured, stop: async () => {} } : await startTestServer();
const adminUrl = server.adminUrl;
const empty = await ensureTemplate(adminUrl, `bench_prof_${process.pid}`, async () => {});
const fresh = () => cloneDatabase(adminUrl, empty);
let plan: any[] = [];
{ const db = await fresh(); const e = await MigrationEngine.create({ composition: platform, url: db.url }); plan = await e.plan(); await e.close(); await db.drop(); }
const samples: Record<string, number[]> = {};
const add = (k: string, v: number) => (samples[k] ??= []).push(v);
let t = 0; const lap = (k: string) => { const n = performance.now(); add(k, n - t); t = n; };
function withCheck(url: string) { const p = new URL(url); p.searchParams.set('options', '-c client_connection_check_interval=1000'); return p.toString(); }

for (let r = 0; r < N + 2; r++) {
  // ---- engine steps, replicated
  let db = await fresh();
  const t0 = performance.now(); t = t0;
  const orm = new MikroORM(ormOptions(platform, withCheck(db.url), { pool: { min: 0, max: 2 } })); lap('e1 new MikroORM (discovery)');
  await orm.connect(); lap('e2 orm.connect');
  const lock = await acquireMigrationLock(db.url, { timeoutMs: 600000 }); lap('e3 lock: connect+acquire');
  const conn = orm.em.getConnection();
  await ensureJournal(conn); lap('e4 ensureJournal (2 DDL, autocommit)');
  await readJournal(conn); lap('e5 readJournal (to_regclass)');
  for (const m of plan) {
    await conn.transactional(async (tx) => {
      for (const sql of m.statements) await conn.execute(sql, [], 'run', tx);
      lap('e6 tx: begin+statements');
      await recordApplied(conn, { name: m.name, context: m.context, checksum: m.checksum, transactional: true, executionMs: 1 }, tx);
      lap('e7 journal insert');
    });
    lap('e8 commit');
  }
  await lock.release(); lap('e9 lock release');
  await orm.close(true); lap('e10 orm.close');
  add('E total', performance.now() - t0);
  await db.drop();
  // ---- full engine as is
  db = await fresh();
  let s = performance.now();
  const engine = await MigrationEngine.create({ composition: platform, url: db.url }); add('F create', performance.now() - s); s = performance.now();
  await engine.up(); add('F up', performance.now() - s); s = performance.now();
  await engine.close(); add('F close', performance.now() - s);
  await db.drop();
  // ---- raw
  db = await fresh();
  const r0 = performance.now(); t = r0;
  const c = new pg.Client({ connectionString: db.url }); await c.connect(); lap('r1 connect');
  for (const m of plan) { await c.query('begin'); for (const sql of m.statements) await c.query(sql); lap('r2 statements'); await c.query('commit'); lap('r3 commit'); }
  await c.end(); lap('r4 end');
  add('R total', performance.now() - r0);
  // second connection to the same (now used) db
  s = performance.now(); const c2 = new pg.Client({ connectionString: db.url }); await c2.connect(); add('x second connect same db', performance.now() - s); await c2.end();
  await db.drop();
  if (r < 2) for (const k of Object.keys(samples)) samples[k] = [];
}
const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
for (const [k, xs] of Object.entries(samples)) console.log(k.padEnd(42), med(xs).toFixed(2).padStart(8));
const a = new pg.Client({ connectionString: adminUrl }); await a.connect(); await a.query(`drop database ${empty} with (force)`); await a.end();
await server.stop();
