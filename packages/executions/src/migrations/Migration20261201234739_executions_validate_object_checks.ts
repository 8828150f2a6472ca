import { Migration } from '@mikro-orm/migrations';

/**
 * Validates the CHECKs the previous migration added NOT VALID. On its own, in its own transaction: VALIDATE takes a
 * SHARE UPDATE EXCLUSIVE lock, so reads and writes go on while existing rows are checked. Immutable once merged.
 */
export class Migration20261201234739_executions_validate_object_checks extends Migration {
  static readonly dependsOn = ["Migration20261121100955_identity_initial","Migration20261201234732_workflows_validate_object_checks"];

  override up(): void {
    this.addSql(`alter table "executions"."executions" validate constraint "ck_executions_metadata_is_object";`);
    this.addSql(`alter table "executions"."execution_steps" validate constraint "ck_execution_steps_completed_after_started";`);
  }

  override down(): void {
    // Nothing to undo: the previous migration's down drops the constraints.
    this.addSql(`select 1`);
  }
}
