import { composeContexts, createOrm, sql } from '@tessera/kernel';
import { cloneDatabase, ensureTemplate, percentiles } from '@tessera/test-server';
import { migrateDatabase, templateKey } from '@tessera/testing';
import pg from 'pg';
import { identity } from '@tessera/identity';
import { User } from '@tessera/identity';

const composition = composeContexts([identity]);
const admin = process.env.TEST_DATABASE_URL as string;
const template = await ensureTemplate(admin, templateKey(composition), (url) => migrateDatabase(composition, url));
const db = await cloneDatabase(admin, template);
const orm = await createOrm(composition, db.url, { pool: { min: 1, max: 2 } });
const raw = new pg.Pool({ connectionString: db.url, max: 2 });
await raw.query(`insert into identity.users (id, email, username) select gen_random_uuid(), 'u'||i||'@x.io', 'u'||i from generate_series(1,20000) i`);
await raw.query('analyze identity.users');
const COLS = `id, email, username, full_name as "fullName", hashed_password as "hashedPassword", department, access_level as "accessLevel", is_active as "isActive", is_superuser as "isSuperuser", last_login_at as "lastLoginAt", created_at as "createdAt", updated_at as "updatedAt"`;
const TEXT = `select ${COLS} from identity.users where email = $1`;
const rnd = () => `u${1 + Math.floor(Math.random() * 20000)}@x.io`;
const cases: Record<string, () => Promise<unknown>> = {
  rawNamed: () => raw.query({ name: 'u1', text: TEXT, values: [rnd()] }),
  rawUnnamed: () => raw.query(TEXT, [rnd()]),
  kernelNamed: () => sql(orm.em.fork(), { name: 'u2', text: TEXT, values: [rnd()] }),
  kernelMap: async () => { const em = orm.em.fork(); const r = await sql(em, { name: 'u3', text: `select * from identity.users where email = $1`, values: [rnd()] }); return r[0] ? em.map(User, r[0]) : null; },
  kernelTx: () => orm.em.fork().transactional((tx) => sql(tx, { name: 'u4', text: TEXT, values: [rnd()] })),
  findOne: () => orm.em.fork().findOne(User, { email: rnd() }),
};
const names = Object.keys(cases);
const t: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
for (let i = 0; i < 3000; i++) {
  for (const n of names.sort(() => Math.random() - 0.5)) {
    const s = performance.now(); await cases[n]!(); if (i > 300) t[n]!.push(performance.now() - s);
  }
}
const base = percentiles(t.rawNamed!);
for (const n of names) { const p = percentiles(t[n]!); console.log(n.padEnd(12), p.median.toFixed(3), p.p95.toFixed(3), (p.median / base.median).toFixed(2), (p.p95 / base.p95).toFixed(2)); }
await orm.close(); await raw.end(); await db.drop?.();
