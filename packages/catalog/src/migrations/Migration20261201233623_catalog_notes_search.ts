import { Migration } from '@mikro-orm/migrations';

/**
 * Full-text search over hand-clip notes at scale. The notes' tsvector is stored (a generated column, kept by
 * PostgreSQL on every insert and update) instead of recomputed for every matching row at query time, and the GIN
 * index covers the stored column; it replaces the expression index. Adding a stored column rewrites the table:
 * at a million clips, expect a minute or so under an exclusive lock.
 */
export class Migration20261201233623_catalog_notes_search extends Migration {
  static readonly dependsOn = ["Migration20261121102826_nas_add_listing_hash"];

  override up(): void {
    this.addSql(
      `alter table "catalog"."hand_clips" add column "notes_search" tsvector generated always as (to_tsvector('english'::regconfig, coalesce(notes, ''))) stored;`,
    );
    this.addSql(`create index "ix_hand_clips_notes_search" on "catalog"."hand_clips" using gin ("notes_search");`);
    this.addSql(`drop index if exists "catalog"."ix_hand_clips_notes_gin";`);
  }

  override down(): void {
    this.addSql(
      `create index "ix_hand_clips_notes_gin" on "catalog"."hand_clips" using gin (to_tsvector('english'::regconfig, notes));`,
    );
    this.addSql(`drop index if exists "catalog"."ix_hand_clips_notes_search";`);
    this.addSql(`alter table "catalog"."hand_clips" drop column "notes_search";`);
  }
}
