// Written by `migration:create`; do not edit by hand.
import type { MigrationEntry } from '@tessera/kernel';
import { Migration20261121101925_nas_initial } from './Migration20261121101925_nas_initial.ts';
import { Migration20261121102826_nas_add_listing_hash } from './Migration20261121102826_nas_add_listing_hash.ts';

/** This context's migrations, oldest first. */
export const migrations: MigrationEntry[] = [
  { name: 'Migration20261121101925_nas_initial', class: Migration20261121101925_nas_initial },
  { name: 'Migration20261121102826_nas_add_listing_hash', class: Migration20261121102826_nas_add_listing_hash },
];
