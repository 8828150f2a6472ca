import { Migration } from '@mikro-orm/migrations';

/**
 * Exact top-k full-text search over hand clips for a single word, at any frequency. `hand_clip_lexemes` holds one
 * row per (lexeme, live clip) with the clip's `ts_rank` for that lexeme alone, indexed in ranking order (score
 * descending, then clip id): the best clips for a word are the first rows of an index range, so a word in 17% of a
 * million clips is ranked by reading twenty index entries instead of scoring 170,000 rows. A trigger on
 * `hand_clips` keeps the rows in step with every insert, notes change, soft delete, restore, delete and truncate.
 *
 * This migration is quick whatever the number of clips: the table and its index are created empty, and creating
 * the triggers locks `hand_clips` against writes only until this migration commits. From then on every written
 * clip is kept by the trigger; the clips that already existed are filled in by the next migration, in batches,
 * while writes go on. Until it has finished, `hand_clip_lexemes_state.complete` is false and search scores every
 * match instead of reading the word index.
 */
export class Migration20261202031500_catalog_notes_search_lexemes extends Migration {
  static readonly dependsOn = ['Migration20261201230742_nas_nas_raw_paths_and_scan_runs'];

  override up(): void {
    this.addSql(
      `create table "catalog"."hand_clip_lexemes" ("lexeme" text not null, "score" real not null, "hand_clip_id" uuid not null);`,
    );
    this.addSql(
      `create unique index "ix_hand_clip_lexemes_rank" on "catalog"."hand_clip_lexemes" ("lexeme", "score" desc, "hand_clip_id");`,
    );
    // The single-lexeme tsquery of a lexeme, quoted as tsquery input expects (quotes and backslashes doubled).
    this.addSql(
      `create function "catalog"."lexeme_tsquery"(lexeme text) returns tsquery language sql immutable strict parallel safe
  as $$ select ('''' || replace(replace(lexeme, '\\', '\\\\'), '''', '''''') || '''')::tsquery $$;`,
    );
    // The rows of one clip: each lexeme of its notes with ts_rank(notes_search, that lexeme), exactly what a search
    // for the word ranks it by.
    this.addSql(
      `create function "catalog"."hand_clip_lexeme_rows"(clip_id uuid, vector tsvector)
  returns table (lexeme text, score real, hand_clip_id uuid) language sql immutable parallel safe
  as $$ select u.lexeme, ts_rank(vector, "catalog"."lexeme_tsquery"(u.lexeme)), clip_id from unnest(vector) u $$;`,
    );
    this.addSql(
      `create function "catalog"."hand_clips_hand_clip_lexemes_sync_fn"() returns trigger language plpgsql as $$
begin
  if tg_op = 'TRUNCATE' then
    truncate "catalog"."hand_clip_lexemes";
    return null;
  end if;
  if tg_op = 'UPDATE' and new.notes_search is not distinct from old.notes_search and new.id = old.id
     and (new.deleted_at is null) = (old.deleted_at is null) then
    return null;
  end if;
  if tg_op in ('UPDATE', 'DELETE') and old.deleted_at is null then
    -- By the whole index key, so each row is one index probe even for a lexeme in every clip.
    delete from "catalog"."hand_clip_lexemes" l
    using "catalog"."hand_clip_lexeme_rows"(old.id, old.notes_search) r
    where l.lexeme = r.lexeme and l.score = r.score and l.hand_clip_id = r.hand_clip_id;
  end if;
  if tg_op in ('INSERT', 'UPDATE') and new.deleted_at is null then
    insert into "catalog"."hand_clip_lexemes" (lexeme, score, hand_clip_id)
    select r.lexeme, r.score, r.hand_clip_id from "catalog"."hand_clip_lexeme_rows"(new.id, new.notes_search) r;
  end if;
  return null;
end
$$;`,
    );
    this.addSql(
      `create trigger "hand_clip_lexemes_sync" after insert or delete or update of notes, deleted_at, id on "catalog"."hand_clips"
  for each row execute function "catalog"."hand_clips_hand_clip_lexemes_sync_fn"();`,
    );
    this.addSql(
      `create trigger "hand_clip_lexemes_truncate" after truncate on "catalog"."hand_clips"
  for each statement execute function "catalog"."hand_clips_hand_clip_lexemes_sync_fn"();`,
    );
    // Whether every clip that existed before the trigger has its rows (written by the backfill migration), and how
    // far, in clip id order, the backfill got. One row.
    this.addSql(
      `create table "catalog"."hand_clip_lexemes_state" ("one_row" boolean not null default true constraint "pk_hand_clip_lexemes_state" primary key constraint "ck_hand_clip_lexemes_state_one_row" check (one_row), "complete" boolean not null default false, "backfilled_through" uuid null);`,
    );
    this.addSql(`insert into "catalog"."hand_clip_lexemes_state" default values;`);
  }

  override down(): void {
    this.addSql(`drop trigger "hand_clip_lexemes_truncate" on "catalog"."hand_clips";`);
    this.addSql(`drop trigger "hand_clip_lexemes_sync" on "catalog"."hand_clips";`);
    this.addSql(`drop function "catalog"."hand_clips_hand_clip_lexemes_sync_fn"();`);
    this.addSql(`drop table "catalog"."hand_clip_lexemes_state";`);
    this.addSql(`drop table "catalog"."hand_clip_lexemes";`);
    this.addSql(`drop function "catalog"."hand_clip_lexeme_rows"(uuid, tsvector);`);
    this.addSql(`drop function "catalog"."lexeme_tsquery"(text);`);
  }
}
