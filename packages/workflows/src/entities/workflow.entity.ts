import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { User } from '@tessera/identity';
import {
  currentUserOnceSql,
  currentUserSql,
  defineChecks,
  idProperty,
  jsonObjectCheck,
  timestampProperties,
  updatedAtTrigger,
} from '@tessera/kernel';
import { ADMIN_ROLE } from '../rls.ts';
import { WorkflowVersion } from './workflow-version.entity.ts';

/** A workflow's lifecycle; a PostgreSQL native enum `workflow_status`. */
export const WORKFLOW_STATUSES = ['draft', 'active', 'archived'] as const;

/** One of {@link WORKFLOW_STATUSES}. */
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

const checks = defineChecks('Workflow', 'workflows.workflows', [
  {
    name: 'name_not_empty',
    property: 'name',
    expression: 'length(trim(both from name)) > 0',
    test: (v: string) => v.trim().length > 0,
    message: 'must not be empty',
  },
  // Metadata is a JSON object by contract (the list filters on it with @>); a string or array is refused.
  jsonObjectCheck('metadata', 'metadata'),
]);

/** Who did it: the acting user when the application set one, else the workflow's creator (a write from outside). */
const actor = (row: 'NEW' | 'OLD') => `coalesce(${currentUserSql}, ${row}.created_by)`;

/**
 * The audit trigger, writing into the audit context's `audit_logs` (workflows depends on audit): every
 * insert, update and delete of a workflow leaves a row with the state before and after.
 */
const auditTrigger = {
  name: 'tg_workflows_audit',
  timing: 'after' as const,
  events: ['insert' as const, 'update' as const, 'delete' as const],
  forEach: 'row' as const,
  body: `IF TG_OP = 'INSERT' THEN
    INSERT INTO audit.audit_logs (user_id, action, resource_type, resource_id, changes)
    VALUES (${actor('NEW')}, 'create', 'workflow', NEW.id, jsonb_build_object('after', to_jsonb(NEW)));
    RETURN NEW;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO audit.audit_logs (user_id, action, resource_type, resource_id, changes)
    VALUES (${actor('NEW')}, 'update', 'workflow', NEW.id, jsonb_build_object('before', to_jsonb(OLD), 'after', to_jsonb(NEW)));
    RETURN NEW;
  END IF;
  INSERT INTO audit.audit_logs (user_id, action, resource_type, resource_id, changes)
  VALUES (${actor('OLD')}, 'delete', 'workflow', OLD.id, jsonb_build_object('before', to_jsonb(OLD)));
  RETURN OLD;`,
};

/** A workflow definition: versions live in `workflow_versions`, the current one is referenced here. */
export const Workflow = defineEntity({
  name: 'Workflow',
  tableName: 'workflows',
  schema: 'workflows',
  properties: {
    id: idProperty(),
    name: p.string().length(255),
    description: p.text().nullable(),
    createdBy: () => p.manyToOne(User).fieldName('created_by').deleteRule('restrict').index(),
    status: p.enum(WORKFLOW_STATUSES).nativeEnumName('workflow_status').default('draft').index(),
    // The circular FK: deleting the current version leaves the workflow without one, not broken.
    currentVersion: () => p.manyToOne(WorkflowVersion).nullable().deleteRule('set null'),
    tags: p.array().nullable(),
    metadata: p.json<Record<string, unknown>>().defaultRaw(`'{}'`),
    ...timestampProperties(),
  },
  indexes: [
    { name: 'ix_workflows_tags', properties: ['tags'], type: 'gin' },
    { name: 'ix_workflows_metadata', properties: ['metadata'], type: 'gin' },
  ],
  checks,
  triggers: [updatedAtTrigger('workflows'), auditTrigger],
  // Row-level security policies, made safe: an unset setting matches nothing (see rls.ts).
  policies: [
    {
      name: 'workflows_owner',
      using: `created_by = ${currentUserOnceSql}`,
      check: `created_by = ${currentUserOnceSql}`,
    },
    // The superuser view is a database role, not a setting the application role could set itself.
    { name: 'workflows_admin', roles: [ADMIN_ROLE], using: 'true', check: 'true' },
  ],
});

/** A loaded workflow. */
export type IWorkflow = InferEntity<typeof Workflow>;
