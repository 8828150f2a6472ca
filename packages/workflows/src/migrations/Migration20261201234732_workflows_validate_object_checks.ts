import { Migration } from '@mikro-orm/migrations';

/**
 * Validates the CHECKs the previous migration added NOT VALID. On its own, in its own transaction: VALIDATE takes a
 * SHARE UPDATE EXCLUSIVE lock, so reads and writes go on while existing rows are checked. Immutable once merged.
 */
export class Migration20261201234732_workflows_validate_object_checks extends Migration {
  static readonly dependsOn = ["Migration20261121100955_identity_initial","Migration20261201234725_audit_validate_object_checks"];

  override up(): void {
    this.addSql(`alter table "workflows"."workflows" validate constraint "ck_workflows_metadata_is_object";`);
  }

  override down(): void {
    // Nothing to undo: the previous migration's down drops the constraints.
    this.addSql(`select 1`);
  }
}
