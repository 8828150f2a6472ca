// Written by `migration:create`; do not edit by hand.
import type { MigrationEntry } from '@tessera/kernel';
import { Migration20261121102246_catalog_initial } from './Migration20261121102246_catalog_initial.ts';
import { Migration20261201233623_catalog_notes_search } from './Migration20261201233623_catalog_notes_search.ts';
import { Migration20261202002921_catalog_notes_search_index } from './Migration20261202002921_catalog_notes_search_index.ts';
import { Migration20261202031500_catalog_notes_search_lexemes } from './Migration20261202031500_catalog_notes_search_lexemes.ts';
import { Migration20261202031600_catalog_notes_search_lexemes_backfill } from './Migration20261202031600_catalog_notes_search_lexemes_backfill.ts';
import { Migration20261202062000_catalog_notes_search_ranked_words } from './Migration20261202062000_catalog_notes_search_ranked_words.ts';

/** This context's migrations, oldest first. */
export const migrations: MigrationEntry[] = [
  { name: 'Migration20261121102246_catalog_initial', class: Migration20261121102246_catalog_initial },
  { name: 'Migration20261201233623_catalog_notes_search', class: Migration20261201233623_catalog_notes_search },
  { name: 'Migration20261202002921_catalog_notes_search_index', class: Migration20261202002921_catalog_notes_search_index },
  { name: 'Migration20261202031500_catalog_notes_search_lexemes', class: Migration20261202031500_catalog_notes_search_lexemes },
  { name: 'Migration20261202031600_catalog_notes_search_lexemes_backfill', class: Migration20261202031600_catalog_notes_search_lexemes_backfill },
  { name: 'Migration20261202062000_catalog_notes_search_ranked_words', class: Migration20261202062000_catalog_notes_search_ranked_words },
];
