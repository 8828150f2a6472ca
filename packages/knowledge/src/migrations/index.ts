// Written by `migration:create`; do not edit by hand.
import type { MigrationEntry } from '@tessera/kernel';
import { Migration20261121101907_knowledge_initial } from './Migration20261121101907_knowledge_initial.ts';
import { Migration20261201231822_knowledge_document_metadata_object } from './Migration20261201231822_knowledge_document_metadata_object.ts';
import { Migration20261201234746_knowledge_validate_object_checks } from './Migration20261201234746_knowledge_validate_object_checks.ts';

/** This context's migrations, oldest first. */
export const migrations: MigrationEntry[] = [
  { name: 'Migration20261121101907_knowledge_initial', class: Migration20261121101907_knowledge_initial },
  { name: 'Migration20261201231822_knowledge_document_metadata_object', class: Migration20261201231822_knowledge_document_metadata_object },
  { name: 'Migration20261201234746_knowledge_validate_object_checks', class: Migration20261201234746_knowledge_validate_object_checks },
];
