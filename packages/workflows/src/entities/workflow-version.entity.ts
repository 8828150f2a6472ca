import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { User } from '@tessera/identity';
import { defineChecks, idProperty } from '@tessera/kernel';
import { Workflow } from './workflow.entity.ts';

const checks = defineChecks('WorkflowVersion', 'workflows.workflow_versions', [
  {
    name: 'version_number_positive',
    property: 'versionNumber',
    expression: 'version_number > 0',
    test: (v: number) => Number.isInteger(v) && v > 0,
    message: 'must be a positive integer',
  },
]);

/** One immutable version of a workflow's definition; numbered 1, 2, 3… per workflow without gaps. */
export const WorkflowVersion = defineEntity({
  name: 'WorkflowVersion',
  tableName: 'workflow_versions',
  schema: 'workflows',
  properties: {
    id: idProperty(),
    workflow: () => p.manyToOne(Workflow).deleteRule('cascade').index(),
    versionNumber: p.integer(),
    definition: p.json<Record<string, unknown>>(),
    changeSummary: p.text().nullable(),
    createdBy: () => p.manyToOne(User).fieldName('created_by').deleteRule('restrict'),
    createdAt: p
      .datetime()
      .columnType('timestamptz')
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  },
  uniques: [{ properties: ['workflow', 'versionNumber'] }],
  indexes: [
    {
      name: 'ix_workflow_versions_created_at',
      expression:
        'create index "ix_workflow_versions_created_at" on "workflows"."workflow_versions" ("created_at" desc)',
    },
  ],
  checks,
  // A version is visible exactly when its workflow is: the subquery is itself filtered by the workflows policies.
  policies: [
    {
      name: 'workflow_versions_via_workflow',
      using: 'EXISTS (SELECT 1 FROM workflows.workflows w WHERE w.id = workflow_versions.workflow_id)',
      check: 'EXISTS (SELECT 1 FROM workflows.workflows w WHERE w.id = workflow_versions.workflow_id)',
    },
  ],
});

/** A loaded workflow version. */
export type IWorkflowVersion = InferEntity<typeof WorkflowVersion>;
