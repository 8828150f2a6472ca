import { describeSchemaConformance, useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { knowledge } from '../src/context.ts';

const db = useTestDatabase(knowledge);

describeSchemaConformance(knowledge, db, new URL('..', import.meta.url));

describe('knowledge schema', () => {
  it('creates the four tables with their lookup indexes, the metadata one as GIN', async () => {
    const rows = await db.query<{ table: string; index: string; method: string; columns: string }>(
      `select t.relname as table, i.relname as index, am.amname as method,
              pg_get_indexdef(i.oid) as columns
         from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
         join pg_am am on am.oid = i.relam join pg_namespace n on n.oid = t.relnamespace
        where n.nspname = 'knowledge' order by 1, 2`,
    );
    expect(rows.map((r) => `${r.table}.${r.index}:${r.method}`)).toEqual([
      'documents.ix_documents_access_level:btree',
      'documents.ix_documents_department:btree',
      'documents.ix_documents_metadata:gin',
      'documents.pk_documents:btree',
      'search_queries.ix_search_queries_session_id:btree',
      'search_queries.ix_search_queries_timestamp:btree',
      'search_queries.ix_search_queries_user_id:btree',
      'search_queries.pk_search_queries:btree',
      'search_responses.pk_search_responses:btree',
      'search_responses.uq_search_responses_query_id:btree',
      'user_feedback.ix_user_feedback_query_id:btree',
      'user_feedback.ix_user_feedback_user_id:btree',
      'user_feedback.pk_user_feedback:btree',
    ]);
  });

  it('has the four foreign keys, each cascading on delete', async () => {
    const rows = await db.query<{ name: string; target: string; on_delete: string }>(
      `select c.conname as name, c.confrelid::regclass::text as target, c.confdeltype as on_delete
         from pg_constraint c where c.contype = 'f' and c.connamespace = 'knowledge'::regnamespace order by 1`,
    );
    expect(rows).toEqual([
      { name: 'fk_search_queries_user_id', target: 'identity.users', on_delete: 'c' },
      { name: 'fk_search_responses_query_id', target: 'knowledge.search_queries', on_delete: 'c' },
      { name: 'fk_user_feedback_query_id', target: 'knowledge.search_queries', on_delete: 'c' },
      { name: 'fk_user_feedback_user_id', target: 'identity.users', on_delete: 'c' },
    ]);
  });

  it('keeps every timestamp as timestamptz defaulting to now()', async () => {
    const rows = await db.query<{ col: string; type: string; def: string }>(
      `select table_name || '.' || column_name as col, data_type as type, column_default as def
         from information_schema.columns where table_schema = 'knowledge'
          and column_name in ('created_at', 'updated_at', 'timestamp') order by 1`,
    );
    expect(rows).toEqual(
      [
        'documents.created_at',
        'documents.updated_at',
        'search_queries.timestamp',
        'search_responses.timestamp',
        'user_feedback.timestamp',
      ].map((col) => ({ col, type: 'timestamp with time zone', def: 'now()' })),
    );
  });
});
