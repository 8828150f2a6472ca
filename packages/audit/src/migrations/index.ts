// Written by `migration:create`; do not edit by hand.
import type { MigrationEntry } from '@tessera/kernel';
import { Migration20261121101918_audit_initial } from './Migration20261121101918_audit_initial.ts';
import { Migration20261201230938_audit_rls_and_object_payload } from './Migration20261201230938_audit_rls_and_object_payload.ts';
import { Migration20261201234725_audit_validate_object_checks } from './Migration20261201234725_audit_validate_object_checks.ts';
import { Migration20261202141718_audit_actor_once_in_policies } from './Migration20261202141718_audit_actor_once_in_policies.ts';

/** This context's migrations, oldest first. */
export const migrations: MigrationEntry[] = [
  { name: 'Migration20261121101918_audit_initial', class: Migration20261121101918_audit_initial },
  { name: 'Migration20261201230938_audit_rls_and_object_payload', class: Migration20261201230938_audit_rls_and_object_payload },
  { name: 'Migration20261201234725_audit_validate_object_checks', class: Migration20261201234725_audit_validate_object_checks },
  { name: 'Migration20261202141718_audit_actor_once_in_policies', class: Migration20261202141718_audit_actor_once_in_policies },
];
