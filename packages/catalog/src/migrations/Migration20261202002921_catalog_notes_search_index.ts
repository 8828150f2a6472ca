import { Migration } from '@mikro-orm/migrations';

/**
 * The GIN index over the stored notes tsvector replaces the expression index. Non-transactional, so both are built
 * and dropped CONCURRENTLY: writes to hand_clips go on meanwhile. Repeatable after a failure part-way (IF [NOT]
 * EXISTS), and an index a failed build left invalid is rebuilt by the next migrate. Immutable once merged.
 */
export class Migration20261202002921_catalog_notes_search_index extends Migration {
  static readonly dependsOn = ["Migration20261201230742_nas_nas_raw_paths_and_scan_runs"];

  override isTransactional(): boolean {
    return false;
  }

  override up(): void {
    this.addSql(
      `create index concurrently if not exists "ix_hand_clips_notes_search" on "catalog"."hand_clips" using gin ("notes_search");`,
    );
    this.addSql(`drop index concurrently if exists "catalog"."ix_hand_clips_notes_gin";`);
  }

  override down(): void {
    this.addSql(
      `create index concurrently if not exists "ix_hand_clips_notes_gin" on "catalog"."hand_clips" using gin (to_tsvector('english'::regconfig, notes));`,
    );
    this.addSql(`drop index concurrently if exists "catalog"."ix_hand_clips_notes_search";`);
  }
}
