// Written by `migration:create`; do not edit by hand.
import type { MigrationEntry } from '@tessera/kernel';
import { Migration20261121102115_workflows_initial } from './Migration20261121102115_workflows_initial.ts';
import { Migration20261201230941_workflows_admin_role_and_object_metadata } from './Migration20261201230941_workflows_admin_role_and_object_metadata.ts';
import { Migration20261201234732_workflows_validate_object_checks } from './Migration20261201234732_workflows_validate_object_checks.ts';
import { Migration20261202141717_workflows_actor_once_in_policies } from './Migration20261202141717_workflows_actor_once_in_policies.ts';

/** This context's migrations, oldest first. */
export const migrations: MigrationEntry[] = [
  { name: 'Migration20261121102115_workflows_initial', class: Migration20261121102115_workflows_initial },
  { name: 'Migration20261201230941_workflows_admin_role_and_object_metadata', class: Migration20261201230941_workflows_admin_role_and_object_metadata },
  { name: 'Migration20261201234732_workflows_validate_object_checks', class: Migration20261201234732_workflows_validate_object_checks },
  { name: 'Migration20261202141717_workflows_actor_once_in_policies', class: Migration20261202141717_workflows_actor_once_in_policies },
];
