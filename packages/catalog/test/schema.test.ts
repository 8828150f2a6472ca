import { describeSchemaConformance, useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { catalog } from '../src/context.ts';

const db = useTestDatabase(catalog);

describeSchemaConformance(catalog, db, new URL('..', import.meta.url));

describe('catalog schema', () => {
  it('has the lookup indexes of every table; codes, paths, sheet rows and tags unique among live rows only', async () => {
    const rows = await db.query<{ indexname: string; indexdef: string }>(
      `select indexname, indexdef from pg_indexes where schemaname in ('catalog', 'nas') order by 1`,
    );
    const def = (name: string) => rows.find((r) => r.indexname === name)?.indexdef ?? `missing ${name}`;
    expect(def('ix_projects_code')).toMatch(/UNIQUE INDEX .* \(code\) WHERE \(deleted_at IS NULL\)/);
    expect(def('ix_seasons_project_year')).toMatch(/btree \(project_id, year\)/);
    expect(def('ix_events_season_number')).toMatch(/btree \(season_id, event_number\)/);
    expect(def('ix_episodes_event_id')).toMatch(/btree \(event_id\)/);
    expect(def('ix_video_files_file_path')).toMatch(/UNIQUE INDEX .* \(file_path\) WHERE \(deleted_at IS NULL\)/);
    expect(def('ix_video_files_episode_id')).toMatch(/btree \(episode_id\)/);
    expect(def('ix_hand_clips_video_file_id')).toMatch(/btree \(video_file_id\)/);
    expect(def('ix_hand_clips_sheet_source_row')).toMatch(
      /UNIQUE INDEX .* \(sheet_source, sheet_row_number\) WHERE \(deleted_at IS NULL\)/,
    );
    expect(def('ix_tags_category_name')).toMatch(/UNIQUE INDEX .* \(category, name\) WHERE \(deleted_at IS NULL\)/);
    expect(def('ix_nas_files_file_path')).toMatch(/UNIQUE INDEX .* \(file_path\)/);
    expect(def('ix_nas_files_folder_id')).toMatch(/btree \(folder_id\)/);
  });

  it('has the two full-text GIN indexes: video titles (expression) and the clips stored vector', async () => {
    const rows = await db.query<{ indexname: string; indexdef: string }>(
      `select indexname, indexdef from pg_indexes where schemaname = 'catalog' and indexdef like '%USING gin%' order by 1`,
    );
    expect(rows.map((r) => r.indexname)).toEqual(['ix_hand_clips_notes_search', 'ix_video_files_title_gin']);
    expect(rows[0]?.indexdef).toContain('(notes_search)');
    expect(rows[1]?.indexdef).toContain("to_tsvector('english'::regconfig, (display_title)::text)");
  });

  it('has the designed column counts (the NAS tables add raw_path for exact file names, and the scan-run journal)', async () => {
    const rows = await db.query<{ table_name: string; n: number }>(
      `select table_name, count(*)::int as n from information_schema.columns
       where table_schema in ('catalog', 'nas') group by table_name order by table_name`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.table_name, r.n]))).toEqual({
      projects: 9,
      seasons: 10,
      events: 15,
      episodes: 12,
      video_files: 22,
      // 16 mapped columns plus notes_search, the stored tsvector full-text search reads.
      hand_clips: 17,
      // lexeme, score, hand_clip_id: the ranked word index of the notes, kept by a trigger.
      hand_clip_lexemes: 3,
      // one_row, complete, backfilled_through: whether the word index holds the clips written before its trigger.
      hand_clip_lexemes_state: 3,
      tags: 8,
      players: 9,
      google_sheet_sync: 8,
      nas_folders: 14,
      nas_files: 12,
      nas_scan_runs: 3,
      hand_clip_tags: 3,
      hand_clip_players: 4,
    });
  });
});
