import { Migration } from '@mikro-orm/migrations';

/**
 * Adds `id` to the INCLUDE list of the execution list's covering index, so listing a workflow's newest executions
 * is an index-only scan (no heap fetch per row). Non-transactional: the new index is built CONCURRENTLY under a
 * temporary name, the old one dropped CONCURRENTLY, and the new one renamed, so writes to executions go on
 * meanwhile. Repeatable after a failure part-way (IF [NOT] EXISTS); an index a failed build left invalid is rebuilt
 * by the next migrate. Immutable once merged.
 */
export class Migration20261202030938_executions_list_index_covers_id extends Migration {
  static readonly dependsOn = ["Migration20261121100955_identity_initial","Migration20261201234732_workflows_validate_object_checks"];

  override isTransactional(): boolean {
    return false;
  }

  override up(): void {
    this.addSql(
      `create index concurrently if not exists "ix_executions_list_next" on "executions"."executions" ("workflow_id", "created_at" desc) include ("status", "triggered_by", "id");`,
    );
    this.addSql(`drop index concurrently if exists "executions"."ix_executions_list";`);
    this.addSql(`alter index if exists "executions"."ix_executions_list_next" rename to "ix_executions_list";`);
  }

  override down(): void {
    this.addSql(
      `create index concurrently if not exists "ix_executions_list_previous" on "executions"."executions" ("workflow_id", "created_at" desc) include ("status", "triggered_by");`,
    );
    this.addSql(`drop index concurrently if exists "executions"."ix_executions_list";`);
    this.addSql(`alter index if exists "executions"."ix_executions_list_previous" rename to "ix_executions_list";`);
  }
}
