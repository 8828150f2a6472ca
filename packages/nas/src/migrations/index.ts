// Written by `migration:create`; do not edit by hand.
import type { MigrationEntry } from '@tessera/kernel';
import { Migration20261121101925_nas_initial } from './Migration20261121101925_nas_initial.ts';
import { Migration20261121102826_nas_add_listing_hash } from './Migration20261121102826_nas_add_listing_hash.ts';
import { Migration20261201230742_nas_nas_raw_paths_and_scan_runs } from './Migration20261201230742_nas_nas_raw_paths_and_scan_runs.ts';

/** This context's migrations, oldest first. */
export const migrations: MigrationEntry[] = [
  { name: 'Migration20261121101925_nas_initial', class: Migration20261121101925_nas_initial },
  { name: 'Migration20261121102826_nas_add_listing_hash', class: Migration20261121102826_nas_add_listing_hash },
  { name: 'Migration20261201230742_nas_nas_raw_paths_and_scan_runs', class: Migration20261201230742_nas_nas_raw_paths_and_scan_runs },
];
