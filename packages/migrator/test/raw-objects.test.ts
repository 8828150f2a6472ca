import { describe, expect, it } from 'vitest';
import { statementTarget } from '../src/index.ts';
import { statementColumn } from '../src/raw-objects.ts';

describe('statementTarget', () => {
  it('names the relation a generated statement creates, alters or drops, by kind and exact name', () => {
    expect(statementTarget('drop index "catalog"."ix_hand_clips_notes_gin"')).toBe(
      'index catalog.ix_hand_clips_notes_gin',
    );
    expect(statementTarget('drop materialized view if exists "executions"."workflow_execution_stats" cascade')).toBe(
      'materialized view executions.workflow_execution_stats',
    );
    expect(statementTarget('alter table "audit"."audit_logs_default" add column "x" int')).toBe(
      'table audit.audit_logs_default',
    );
  });

  it('names the trigger or function a generated statement drops (raw triggers and the functions they run)', () => {
    expect(statementTarget('drop trigger if exists "clip_sync" on "catalog"."hand_clips"')).toBe(
      'trigger catalog.clip_sync',
    );
    expect(statementTarget('drop function if exists "catalog"."hand_clips_clip_sync_fn"()')).toBe(
      'function catalog.hand_clips_clip_sync_fn',
    );
    expect(statementTarget('drop function if exists "catalog"."lexeme_tsquery"(text)')).toBe(
      'function catalog.lexeme_tsquery',
    );
  });

  it('names the column an alter table statement adds, drops or alters (a raw generated column)', () => {
    expect(statementColumn('alter table "catalog"."hand_clips" drop column "notes_search"')).toBe(
      'column catalog.hand_clips.notes_search',
    );
    expect(statementColumn('drop index "catalog"."ix_hand_clips_notes_search"')).toBeUndefined();
  });

  it('does not match a name that only contains the declared one', () => {
    // The old substring match would have treated this index as the raw object "ix_things".
    expect(statementTarget('drop index "alpha"."ix_things_lower_name_2"')).not.toBe('index alpha.ix_things_lower_name');
    expect(statementTarget('comment on table "alpha"."things" is null')).toBeUndefined();
  });
});
