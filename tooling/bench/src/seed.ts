import type pg from 'pg';

/** How much data a run seeds and how long it measures. */
export interface Scale {
  users: number;
  documents: number;
  executions: number;
  clips: number;
  /** Measured calls per variant and operation (after the warm-up). */
  iterations: number;
  warmup: number;
  /** Rows of the bulk append (one call). */
  bulk: number;
}

/** `tiny` is a smoke run, `small` the default (a few minutes), `full` the scale (long). */
export const SCALES: Record<string, Scale> = {
  tiny: { users: 500, documents: 500, executions: 2_000, clips: 2_000, iterations: 40, warmup: 20, bulk: 20_000 },
  small: {
    users: 10_000,
    documents: 10_000,
    executions: 100_000,
    clips: 100_000,
    iterations: 1_000,
    warmup: 200,
    bulk: 200_000,
  },
  full: {
    users: 100_000,
    documents: 100_000,
    executions: 1_000_000,
    clips: 1_000_000,
    iterations: 1_000,
    warmup: 200,
    bulk: 1_000_000,
  },
};

/** What the operations need to find in the seeded data. */
export interface Seeded {
  emails: string[];
  userIds: string[];
  owner: string;
  viewer: string;
  workflowIds: string[];
  executionIds: string[];
  documentIds: string[];
  eventIds: number[];
  nasFileIds: string[];
  handClipIds: string[];
}

const DEPARTMENTS = ['Engineering', 'Management', 'Sales', 'Support', 'Finance'];
const TAGS = ['policy', 'howto', 'security', 'onboarding', 'finance', 'architecture', 'release', 'incident'];

/** Seeds the migrated schema server-side (generate_series), then VACUUM ANALYZE: what a loaded database looks like. */
export async function seed(client: pg.ClientBase, scale: Scale): Promise<Seeded> {
  // Time-ordered ids like the application's UUIDv7 (PostgreSQL 15 has no uuidv7()): the n-th row's id sorts n-th.
  await client.query(
    `create function pg_temp.uuid7(n bigint) returns uuid language sql as $$
       select (lpad(to_hex(1700000000000 + n), 12, '0') || '7' || substr(md5(random()::text), 1, 3) || '8' ||
               substr(md5(random()::text), 1, 15))::uuid $$`,
  );
  await client.query(
    `insert into identity.users (id, email, username, full_name, department, access_level)
     select pg_temp.uuid7(i), 'user' || i || '@bench.example', 'user' || i, 'User ' || i,
            (array['Engineering','Management','Sales','Support','Finance'])[1 + i % 5], 1 + i % 3
       from generate_series(1, $1::int) i`,
    [scale.users],
  );
  const owner = (
    await client.query<{ id: string }>(
      `insert into identity.users (id, email, username, access_level, department)
       values (gen_random_uuid(), 'owner@bench.example', 'owner', 3, 'Engineering') returning id`,
    )
  ).rows[0]?.id as string;
  const viewer = (
    await client.query<{ id: string }>(
      `insert into identity.users (id, email, username, access_level, department)
       values (gen_random_uuid(), 'viewer@bench.example', 'viewer', 2, 'Engineering') returning id`,
    )
  ).rows[0]?.id as string;
  // 100 workflows of the owner, each with version 1 current; executions spread over them, newest last.
  await client.query(
    `insert into workflows.workflows (id, name, created_by, status)
     select gen_random_uuid(), 'Workflow ' || i, $1, 'active' from generate_series(1, 100) i`,
    [owner],
  );
  await client.query(
    `insert into workflows.workflow_versions (id, workflow_id, version_number, definition, created_by)
     select gen_random_uuid(), id, 1, '{"steps": []}', $1 from workflows.workflows`,
    [owner],
  );
  await client.query(
    `update workflows.workflows w set current_version_id = v.id from workflows.workflow_versions v
     where v.workflow_id = w.id`,
  );
  await client.query(
    `insert into executions.executions (id, workflow_id, workflow_version_id, triggered_by, status, created_at)
     select pg_temp.uuid7(i), w.id, w.current_version_id, $2, 'completed', now() - (($1::int - i) || ' seconds')::interval
       from generate_series(1, $1::int) i
       join (select id, current_version_id, row_number() over (order by id) - 1 as n from workflows.workflows) w
         on w.n = i % 100`,
    [scale.executions, owner],
  );
  await client.query(
    `insert into knowledge.documents (id, title, content, document_type, source, access_level, department, metadata)
     select pg_temp.uuid7(i), 'Document ' || i, 'content of document ' || i,
            (array['PDF','DOCX','TXT','MARKDOWN'])[1 + i % 4], '/bench/' || i, 1 + (i / 7) % 3,
            case when i % 4 = 0 then ($2::text[])[1 + (i / 4) % 5] end,
            jsonb_build_object('page_count', 1 + i % 300, 'author', 'author ' || (i % 97),
                               'tags', jsonb_build_array(($3::text[])[1 + i % 8], 'topic-' || (i % 40)))
       from generate_series(1, $1::int) i`,
    [scale.documents, DEPARTMENTS, TAGS],
  );
  // Notes of 12 filler words; "call" in about 17% of them (a common term), "cooler" in 0.5% (a selective one).
  // Loaded with the word-index trigger off; the word index is then filled in one statement with the rows the backfill
  // migration writes batch by batch, and its index rebuilt (much faster at a million clips than row by row).
  await client.query('alter table catalog.hand_clips disable trigger hand_clip_lexemes_sync');
  await client.query(
    `insert into catalog.hand_clips (id, title, notes, start_seconds, end_seconds)
     select pg_temp.uuid7(g), 'Hand ' || g,
       (select string_agg('w' || (1 + floor(random() * 3000))::int, ' ') from generate_series(1, 12) x where g > 0)
       || case when random() < 0.17 then ' big river call' else '' end
       || case when random() < 0.005 then ' a brutal cooler' else '' end, 0, 60
     from generate_series(1, $1::int) g`,
    [scale.clips],
  );
  // The outbox: one event per user's worth of rows (as many as documents), and a NAS inventory of 100 folders.
  await client.query(
    `insert into audit.events (aggregate_type, aggregate_id, type, payload)
     select 'document', 'doc-' || i, 'document.created', jsonb_build_object('n', i) from generate_series(1, $1::int) i`,
    [scale.documents],
  );
  await client.query(
    `insert into nas.nas_folders (id, path, name, depth)
     select pg_temp.uuid7(i), '/nas/bench/f' || i, 'f' || i, 2 from generate_series(1, 100) i`,
  );
  await client.query(
    `insert into nas.nas_files (id, folder_id, file_path, extension, size_bytes, modified_at, kind)
     select pg_temp.uuid7(i), f.id, f.path || '/clip' || i || '.mp4', 'mp4', 1000000 + i, now(), 'video'
       from generate_series(1, $1::int) i
       join (select id, path, row_number() over (order by id) - 1 as n from nas.nas_folders) f on f.n = i % 100`,
    [scale.documents],
  );
  await client.query('alter table catalog.hand_clips enable trigger hand_clip_lexemes_sync');
  await client.query('drop index catalog.ix_hand_clip_lexemes_rank');
  await client.query(`insert into catalog.hand_clip_lexemes (lexeme, score, hand_clip_id)
    select r.lexeme, r.score, r.hand_clip_id from catalog.hand_clips h,
      lateral catalog.hand_clip_lexeme_rows(h.id, h.notes_search) r
    where h.deleted_at is null`);
  await client.query(
    `create unique index "ix_hand_clip_lexemes_rank" on "catalog"."hand_clip_lexemes" ("lexeme", "score" desc, "hand_clip_id")`,
  );
  await client.query('vacuum analyze');
  const pick = async (sql: string) => (await client.query<{ v: string }>(sql)).rows.map((r) => r.v);
  return {
    emails: await pick('select email as v from identity.users order by random() limit 1000'),
    userIds: await pick('select id::text as v from identity.users order by random() limit 1000'),
    owner,
    viewer,
    workflowIds: await pick('select id::text as v from workflows.workflows'),
    executionIds: await pick('select id::text as v from executions.executions order by random() limit 1000'),
    eventIds: (await pick('select id::text as v from audit.events order by random() limit 1000')).map(Number),
    nasFileIds: await pick('select id::text as v from nas.nas_files order by random() limit 1000'),
    handClipIds: await pick('select id::text as v from catalog.hand_clips order by random() limit 1000'),
    documentIds: await pick(
      `select d.id::text as v from knowledge.documents d where d.access_level <= 2
         and (d.department is null or d.department = 'Engineering') order by random() limit 1000`,
    ),
  };
}
