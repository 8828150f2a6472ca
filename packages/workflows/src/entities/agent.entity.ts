import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { User } from '@tessera/identity';
import { currentUserOnceSql, defineChecks, idProperty, timestampProperties, updatedAtTrigger } from '@tessera/kernel';
import { ADMIN_ROLE } from '../rls.ts';

/** The agent frameworks; a PostgreSQL native enum `agent_type`. */
export const AGENT_TYPES = ['semantic_kernel', 'autogen', 'custom'] as const;
/** One of {@link AGENT_TYPES}. */
export type AgentType = (typeof AGENT_TYPES)[number];
/** An agent's lifecycle; a PostgreSQL native enum `agent_status`. */
export const AGENT_STATUSES = ['active', 'inactive', 'deprecated'] as const;
/** One of {@link AGENT_STATUSES}. */
export type AgentStatus = (typeof AGENT_STATUSES)[number];

const checks = defineChecks('Agent', 'workflows.agents', [
  {
    name: 'name_not_empty',
    property: 'name',
    expression: 'length(trim(both from name)) > 0',
    test: (v: string) => v.trim().length > 0,
    message: 'must not be empty',
  },
  {
    name: 'temperature_range',
    property: 'temperature',
    expression: 'temperature >= 0 and temperature <= 2',
    test: (v: string | number) => Number(v) >= 0 && Number(v) <= 2,
    message: 'must be from 0 to 2',
  },
  {
    name: 'max_tokens_positive',
    property: 'maxTokens',
    expression: 'max_tokens > 0',
    test: (v: number) => Number.isInteger(v) && v > 0,
    message: 'must be a positive integer',
  },
]);

/** An agent's configuration. */
export const Agent = defineEntity({
  name: 'Agent',
  tableName: 'agents',
  schema: 'workflows',
  properties: {
    id: idProperty(),
    name: p.string().length(255),
    description: p.text().nullable(),
    type: p.enum(AGENT_TYPES).nativeEnumName('agent_type').index(),
    status: p.enum(AGENT_STATUSES).nativeEnumName('agent_status').default('active').index(),
    configuration: p.json<Record<string, unknown>>(),
    systemPrompt: p.text().nullable(),
    modelName: p.string().length(100).nullable(),
    temperature: p.decimal('number').precision(3).scale(2).default(0.7),
    maxTokens: p.integer().default(1000),
    createdBy: () => p.manyToOne(User).fieldName('created_by').deleteRule('restrict').index(),
    ...timestampProperties(),
  },
  checks,
  triggers: [updatedAtTrigger('agents')],
  policies: [
    { name: 'agents_owner', using: `created_by = ${currentUserOnceSql}`, check: `created_by = ${currentUserOnceSql}` },
    // The superuser view is a database role, not a setting the application role could set itself.
    { name: 'agents_admin', roles: [ADMIN_ROLE], using: 'true', check: 'true' },
  ],
});

/** A loaded agent. */
export type IAgent = InferEntity<typeof Agent>;
