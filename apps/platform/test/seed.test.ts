import { DocumentRepository } from '@tessera/knowledge';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { platform } from '../src/composition.ts';
import { tessera } from './cli.ts';

const db = useTestDatabase(...platform.contexts);

/** A fingerprint of every row of every table of the platform's schemas: equal means nothing changed. */
async function fingerprint(): Promise<Record<string, string>> {
  const tables = await db.query<{ name: string }>(
    `select format('%I.%I', table_schema, table_name) as name from information_schema.tables
      where table_schema = any($1) and table_type = 'BASE TABLE' order by 1`,
    [platform.schemas],
  );
  const result: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await db.query<{ n: number; md5: string | null }>(
      `select count(*)::int as n, md5(string_agg(t::text, '|' order by t::text)) as md5 from ${name} t`,
    );
    result[name] = `${row?.n}:${row?.md5}`;
  }
  return result;
}

const count = async (sql: string) => Number((await db.query<{ n: string }>(sql))[0]?.n);

describe('tessera seed', () => {
  it('loads seed 004 sample users and documents plus demo data; a second run changes nothing', async () => {
    const first = await tessera(db.url, 'seed');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/identity +users 13 created, 0 existing/);
    expect(first.stdout).toMatch(/knowledge +documents 53 created, 0 existing; searches 20 created, 0 existing/);
    const users = await db.query(
      `select email, full_name, department, access_level from identity.users where email like '%@company.com' order by access_level`,
    );
    expect(users).toEqual([
      { email: 'intern@company.com', full_name: 'Intern User', department: 'Engineering', access_level: 1 },
      { email: 'engineer@company.com', full_name: 'Engineer User', department: 'Engineering', access_level: 2 },
      { email: 'admin@company.com', full_name: 'Admin User', department: 'Management', access_level: 3 },
    ]);
    expect(
      await db.query(`select title, document_type, access_level, department, metadata from knowledge.documents
                       where source like '/docs/%' order by access_level`),
    ).toEqual([
      {
        title: 'Company Handbook',
        document_type: 'PDF',
        access_level: 1,
        department: null,
        metadata: { page_count: 50, version: '2024.1' },
      },
      {
        title: 'Engineering Best Practices',
        document_type: 'MARKDOWN',
        access_level: 2,
        department: 'Engineering',
        metadata: { tags: ['engineering', 'best-practices'] },
      },
      {
        title: 'Confidential Strategy',
        document_type: 'DOCX',
        access_level: 3,
        department: 'Management',
        metadata: { confidential: true },
      },
    ]);
    expect(await count('select count(*) as n from knowledge.search_responses')).toBe(20);
    expect(await count('select count(*) as n from knowledge.user_feedback')).toBe(10);

    const before = await fingerprint();
    const second = await tessera(db.url, 'seed');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/identity +users 0 created, 13 existing/);
    expect(await fingerprint()).toEqual(before);
  });

  it('the sample data obeys the access rule: the intern does not see the strategy', async () => {
    await tessera(db.url, 'seed');
    const [intern] = await db.query<{ id: string }>(`select id from identity.users where email = 'intern@company.com'`);
    const [admin] = await db.query<{ id: string }>(`select id from identity.users where email = 'admin@company.com'`);
    const docs = new DocumentRepository(db.em());
    const titles = async (id: string | undefined) =>
      (await docs.findByMetadata(id ?? '', { confidential: true })).items.map((d) => d.title);
    expect(await titles(intern?.id)).toEqual([]);
    expect(await titles(admin?.id)).toEqual(['Confidential Strategy']);
  });

  it('--scale grows the demo data and keeps what exists', async () => {
    await tessera(db.url, 'seed');
    const docs = await count('select count(*) as n from knowledge.documents');
    const run = await tessera(db.url, 'seed', '--scale', '2');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/identity +users 10 created, 13 existing/);
    expect(await count('select count(*) as n from knowledge.documents')).toBe(docs + 50);
  });

  it('rejects a bad --scale with exit code 2', async () => {
    const run = await tessera(db.url, 'seed', '--scale', '0');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--scale must be an integer from 1 to 2000');
  });
});
