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
  it('loads the sample users and documents plus demo data; a second run changes nothing', async () => {
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
    // Every context's schema has rows: the seeders cover every composed context.
    const rowsPerSchema: Record<string, number> = {};
    for (const [table, print] of Object.entries(before)) {
      const schema = table.slice(0, table.indexOf('.'));
      rowsPerSchema[schema] = (rowsPerSchema[schema] ?? 0) + Number(print.slice(0, print.indexOf(':')));
    }
    for (const schema of platform.schemas) expect(rowsPerSchema[schema], schema).toBeGreaterThan(0);

    const second = await tessera(db.url, 'seed');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/identity +users 0 created, 13 existing/);
    expect(second.stdout).toMatch(/workflows +workflows 0 created, 5 existing; agents 0 created, 3 existing/);
    expect(second.stdout).toMatch(/catalog +seasons 0 created, 1 existing;.* hand clips 0 created, 10 existing/);
    expect(await fingerprint()).toEqual(before);
  });

  it('seeds workflows, executions, audit and catalog demo data linked across contexts', async () => {
    const run = await tessera(db.url, 'seed');
    expect(run.code, run.stderr).toBe(0);
    const counts = await db.query<Record<string, number>>(`select
      (select count(*)::int from workflows.workflows where name like 'Demo workflow %') as workflows,
      (select count(*)::int from workflows.workflow_versions v join workflows.workflows w on w.id = v.workflow_id
        where w.name like 'Demo workflow %') as versions,
      (select count(*)::int from workflows.agent_tools t join workflows.agents a on a.id = t.agent_id
        where a.name like 'Demo agent %') as tools,
      (select count(*)::int from executions.executions where metadata ? 'seed_key') as executions,
      (select count(*)::int from executions.execution_steps) as steps,
      (select count(*)::int from executions.execution_logs) as logs,
      (select count(*)::int from audit.audit_logs where resource_type = 'workflow') as workflow_audits,
      (select count(*)::int from audit.audit_logs where action = 'login') as logins,
      (select count(*)::int from audit.events where aggregate_type = 'demo') as events,
      (select count(*)::int from catalog.episodes) as episodes,
      (select count(*)::int from catalog.hand_clips h join catalog.video_files v on v.id = h.video_file_id
         join nas.nas_files f on f.id = v.nas_file_id and f.file_path = v.file_path) as linked_clips,
      (select count(*)::int from catalog.hand_clip_players) as clip_players,
      (select count(*)::int from catalog.hand_clip_tags) as clip_tags`);
    expect(counts[0]).toEqual({
      workflows: 5,
      versions: 8,
      tools: 6,
      executions: 15,
      steps: 30,
      logs: 30,
      workflow_audits: 13,
      logins: 10,
      events: 5,
      episodes: 4,
      linked_clips: 10,
      clip_players: 20,
      clip_tags: 10,
    });
    // Workflows and executions belong to the seeded demo users: each execution was triggered by its workflow's owner.
    const [owners] = await db.query<{ foreign_owners: number; mismatched: number }>(`select
      (select count(*)::int from workflows.workflows w join identity.users u on u.id = w.created_by
        where w.name like 'Demo workflow %' and u.email not like 'demo.user.%') as foreign_owners,
      (select count(*)::int from executions.executions e join workflows.workflows w on w.id = e.workflow_id
        where e.triggered_by <> w.created_by) as mismatched`);
    expect(owners).toEqual({ foreign_owners: 0, mismatched: 0 });
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
    expect(run.stdout).toMatch(/workflows +workflows 5 created, 5 existing/);
    expect(await count(`select count(*) as n from executions.executions where metadata ? 'seed_key'`)).toBe(30);
    expect(await count('select count(*) as n from catalog.seasons')).toBe(2);
    expect(await count('select count(*) as n from catalog.hand_clips')).toBe(20);
  });

  it('rejects a bad --scale with exit code 2', async () => {
    const run = await tessera(db.url, 'seed', '--scale', '0');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--scale must be an integer from 1 to 2000');
  });
});
