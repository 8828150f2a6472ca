// Written by `migration:create`; do not edit by hand.
import type { MigrationEntry } from '@tessera/kernel';
import { Migration20261121102328_executions_initial } from './Migration20261121102328_executions_initial.ts';
import { Migration20261201230959_executions_rls_steps_logs_admin } from './Migration20261201230959_executions_rls_steps_logs_admin.ts';
import { Migration20261201234739_executions_validate_object_checks } from './Migration20261201234739_executions_validate_object_checks.ts';
import { Migration20261202030938_executions_list_index_covers_id } from './Migration20261202030938_executions_list_index_covers_id.ts';
import { Migration20261202141717_executions_actor_once_in_policies } from './Migration20261202141717_executions_actor_once_in_policies.ts';

/** This context's migrations, oldest first. */
export const migrations: MigrationEntry[] = [
  { name: 'Migration20261121102328_executions_initial', class: Migration20261121102328_executions_initial },
  { name: 'Migration20261201230959_executions_rls_steps_logs_admin', class: Migration20261201230959_executions_rls_steps_logs_admin },
  { name: 'Migration20261201234739_executions_validate_object_checks', class: Migration20261201234739_executions_validate_object_checks },
  { name: 'Migration20261202030938_executions_list_index_covers_id', class: Migration20261202030938_executions_list_index_covers_id },
  { name: 'Migration20261202141717_executions_actor_once_in_policies', class: Migration20261202141717_executions_actor_once_in_policies },
];
