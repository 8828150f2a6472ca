import { Migration } from '@mikro-orm/migrations';

/**
 * Full-text search over hand-clip notes at scale. The notes' tsvector is stored (a generated column, kept by
 * PostgreSQL on every insert and update) instead of recomputed for every matching row at query time, and the GIN
 * index over it (the next migration, built concurrently) replaces the expression index. Adding a stored column
 * rewrites the table: at a million clips, expect a minute or so under an exclusive lock.
 */
export class Migration20261201233623_catalog_notes_search extends Migration {
  static readonly dependsOn = ["Migration20261121102826_nas_add_listing_hash"];
  static readonly acknowledge = {
    'squawk/adding-field-with-default':
      'a stored generated column has no trigger-and-backfill alternative that keeps it generated; the one rewrite ' +
      'of hand_clips is the price of not computing the tsvector per matching row at query time',
  };

  override up(): void {
    this.addSql(
      `alter table "catalog"."hand_clips" add column "notes_search" tsvector generated always as (to_tsvector('english'::regconfig, coalesce(notes, ''))) stored;`,
    );
  }

  override down(): void {
    this.addSql(`alter table "catalog"."hand_clips" drop column "notes_search";`);
  }
}
