import { Migration } from '@mikro-orm/migrations';

/** How many clips each backfill transaction covers. */
export const LEXEME_BACKFILL_BATCH = 1000;

/**
 * Fills `hand_clip_lexemes` for the clips that existed before its trigger, then marks the word index complete.
 * One statement, exported so the tests run exactly it.
 *
 * Batches of clips in id order, each in its own transaction (the procedure commits after each), so a write to
 * `hand_clips` waits at most for the one batch that holds its clip. A batch locks its clips `FOR SHARE` before it
 * reads their notes: a notes change either committed before (the batch reads the new notes, and the trigger has
 * already written their rows) or waits for the batch's commit (and its trigger then replaces the rows the batch
 * wrote). Rows the trigger already wrote are skipped (`on conflict do nothing`). Each batch records the last clip
 * id it covered with its rows, so a backfill that stopped (killed, timed out) resumes after the last committed
 * batch when run again, and running it after it finished changes nothing.
 */
export const LEXEME_BACKFILL_SQL = `do $$
declare
  through uuid;
  last_id uuid;
begin
  loop
    select s.backfilled_through into through from "catalog"."hand_clip_lexemes_state" s where not s.complete for update;
    exit when not found;
    with batch as (
      select h.id, h.notes_search, h.deleted_at from "catalog"."hand_clips" h
      where h.id > coalesce(through, '00000000-0000-0000-0000-000000000000')
      order by h.id limit ${LEXEME_BACKFILL_BATCH}
      for share
    ), filled as (
      insert into "catalog"."hand_clip_lexemes" (lexeme, score, hand_clip_id)
      select r.lexeme, r.score, r.hand_clip_id
      from batch b, lateral "catalog"."hand_clip_lexeme_rows"(b.id, b.notes_search) r
      where b.deleted_at is null
      on conflict do nothing
    )
    select b.id into last_id from batch b order by b.id desc limit 1;
    if not found then
      update "catalog"."hand_clip_lexemes_state" set complete = true, backfilled_through = null;
    else
      update "catalog"."hand_clip_lexemes_state" set backfilled_through = last_id;
    end if;
    commit;
  end loop;
end
$$;`;

/**
 * Backfills the ranked word index of hand-clip notes for the clips that existed before the previous migration
 * created its trigger, without blocking writes for longer than one batch (see {@link LEXEME_BACKFILL_SQL}).
 * Non-transactional: its backfill statement commits batch by batch. A run killed part-way leaves the committed
 * batches and the position they reached; the next migrate runs the migration again, which continues from there.
 * A backfill that fails (a lock timeout, say) is recorded with no statement done, so the next migrate also just
 * runs it again. Search reads the word index only once the backfill has marked it complete. Immutable once merged.
 */
export class Migration20261202031600_catalog_notes_search_lexemes_backfill extends Migration {
  static readonly dependsOn = ['Migration20261201230742_nas_nas_raw_paths_and_scan_runs'];

  override isTransactional(): boolean {
    return false;
  }

  override up(): void {
    this.addSql(LEXEME_BACKFILL_SQL);
    // Says so in the schema too (repeatable: a second run sets the same comment).
    this.addSql(
      `comment on table "catalog"."hand_clip_lexemes_state" is 'The ranked word index holds every live clip: backfilled, then kept by its trigger.';`,
    );
  }

  override down(): void {
    // The rows stay correct (the trigger keeps them); search just stops trusting them until the backfill runs again.
    this.addSql(`comment on table "catalog"."hand_clip_lexemes_state" is null;`);
    this.addSql(`update "catalog"."hand_clip_lexemes_state" set complete = false, backfilled_through = null;`);
  }
}
