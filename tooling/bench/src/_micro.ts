import { audit } from '@tessera/audit';
import { catalog } from '@tessera/catalog';
import { nas } from '@tessera/nas';
import { executions, ExecutionRepository } from '@tessera/executions';
import { identity, UserRepository } from '@tessera/identity';
import { composeContexts, createOrm } from '@tessera/kernel';
import { knowledge } from '@tessera/knowledge';
import { cloneDatabase, ensureTemplate } from '@tessera/test-server';
import { migrateDatabase, templateKey } from '@tessera/testing';
import { workflows, WorkflowRepository } from '@tessera/workflows';
import pg from 'pg';
import { SCALES, seed } from './seed.ts';

const composition = composeContexts([identity, workflows, executions, knowledge, catalog, nas, audit]);
const admin = 'postgres://postgres@127.0.0.1:5432/postgres';
const template = await ensureTemplate(admin, templateKey(composition), (url) => migrateDatabase(composition, url));
const db = await cloneDatabase(admin, template);
const c = new pg.Client({ connectionString: db.url });
await c.connect();
const s = await seed(c, SCALES.tiny!);
await c.end();
const pool = new pg.Pool({ connectionString: db.url, max: 1 });
const orm = await createOrm(composition, db.url, { pool: { min: 1, max: 1 } });
const pick = <T>(l: readonly T[]) => l[Math.floor(Math.random() * l.length)] as T;
const actor = { userId: s.owner };
let k = 0;
const which = process.argv[2] ?? 'email';
const variants: Record<string, () => Promise<unknown>> = {
  email: () => new UserRepository(orm.em.fork()).findByEmail(pick(s.emails)),
  id: () => new UserRepository(orm.em.fork()).getById(pick(s.userIds)),
  exec: () => new ExecutionRepository(orm.em.fork(), actor).get(pick(s.executionIds)),
  wf: () => new WorkflowRepository(orm.em.fork(), actor).get(pick(s.workflowIds)),
  list: () => new ExecutionRepository(orm.em.fork(), actor).listByWorkflow(pick(s.workflowIds), { limit: 50 }),
  reg: () => new UserRepository(orm.em.fork()).register({ email: `r${process.pid}-${k++}@b.example`, username: `r${process.pid}-${k++}` }),
  rawreg: () => pool.query({ name: 'ins', text: 'insert into identity.users (id, email, username) values ($1, $2, $3) returning *', values: [crypto.randomUUID(), `p${process.pid}-${k++}@b.example`, `p${process.pid}-${k++}`] }),
  emailnofork: () => new UserRepository(orm.em).findByEmail(pick(s.emails)),
  forkonly: async () => orm.em.fork(),
  raw: () => pool.query({ name: 'x', text: 'select * from identity.users where email = $1', values: [pick(s.emails)] }),
};
const n = Number(process.argv[3] ?? 5000);
const names = [which, 'raw', ...(process.argv[4] ? [process.argv[4]] : [])];
const samples: Record<string, number[]> = Object.fromEntries(names.map((x) => [x, []]));
for (let i = 0; i < 300; i++) for (const name of names) await variants[name]!();
for (let i = 0; i < n; i++) {
  for (const name of i % 2 ? names : [...names].reverse()) {
    const t = performance.now();
    await variants[name]!();
    samples[name]!.push(performance.now() - t);
  }
}
for (const name of names) {
  const xs = samples[name]!.sort((a, b) => a - b);
  console.log(name, 'p50', (xs[Math.floor(xs.length / 2)]! * 1000).toFixed(0), 'p95', (xs[Math.floor(xs.length * 0.95)]! * 1000).toFixed(0));
}
await pool.end();
await orm.close();
await db.drop();
