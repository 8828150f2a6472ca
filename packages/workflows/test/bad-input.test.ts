import type { IUser } from '@tessera/identity';
import { userFactory } from '@tessera/identity/testing';
import { CheckViolationError, translateDbError, ValidationError } from '@tessera/kernel';
import { itRefusesBadInput, useTestDatabase } from '@tessera/testing';
import { beforeAll, describe } from 'vitest';
import {
  AgentRepository,
  type CreateAgentInput,
  type CreateWorkflowInput,
  type IWorkflow,
  WorkflowRepository,
  workflows,
} from '../src/index.ts';
import { workflowFactory } from '../src/testing.ts';

const db = useTestDatabase(workflows);
const schemas = ['workflows', 'audit'];

let owner: IUser;
let flow: IWorkflow;
beforeAll(async () => {
  owner = await userFactory(db.em());
  flow = await workflowFactory(db.em(), { owner });
});

const circular: Record<string, unknown> = {};
circular.loop = { back: circular };

const create = (overrides: Record<string, unknown>) => () =>
  new WorkflowRepository(db.em(), { userId: owner.id }).create({
    name: 'bad',
    definition: { steps: [] },
    ...overrides,
  } as CreateWorkflowInput);
const agent = (overrides: Record<string, unknown>) => () =>
  new AgentRepository(db.em(), { userId: owner.id }).create({
    name: 'agent',
    type: 'custom',
    configuration: {},
    ...overrides,
  } as CreateAgentInput);

describe('workflows refuse bad input with a typed error naming the field, and write nothing', () => {
  itRefusesBadInput(db, schemas, [
    {
      name: 'a NUL byte in a name',
      run: create({ name: 'a\0b' }),
      error: ValidationError,
      entity: 'Workflow',
      field: 'name',
    },
    {
      name: 'a number for a name',
      run: create({ name: 7 }),
      error: ValidationError,
      entity: 'Workflow',
      field: 'name',
    },
    {
      name: 'a string for tags',
      run: create({ tags: 'a,b' }),
      error: ValidationError,
      entity: 'Workflow',
      field: 'tags',
    },
    {
      name: 'a NUL byte in a tag',
      run: create({ tags: ['ok', 'a\0'] }),
      error: ValidationError,
      entity: 'Workflow',
      field: 'tags',
    },
    {
      name: 'metadata as a JSON string',
      run: create({ metadata: '{"team":"a"}' }),
      error: CheckViolationError,
      entity: 'Workflow',
      field: 'metadata',
    },
    {
      name: 'metadata as an array',
      run: create({ metadata: [1] }),
      error: CheckViolationError,
      entity: 'Workflow',
      field: 'metadata',
    },
    {
      name: 'a NUL byte in a metadata key',
      run: create({ metadata: { 'a\0': 1 } }),
      error: ValidationError,
      entity: 'Workflow',
      field: 'metadata',
    },
    {
      name: 'a NUL byte deep in a definition',
      run: create({ definition: { steps: [{ prompt: 'x\0' }] } }),
      error: ValidationError,
      entity: 'WorkflowVersion',
      field: 'definition',
    },
    {
      name: 'a circular definition',
      run: create({ definition: circular }),
      error: ValidationError,
      entity: 'WorkflowVersion',
      field: 'definition',
    },
    {
      name: 'Infinity in a definition',
      run: create({ definition: { timeout: Number.POSITIVE_INFINITY } }),
      error: ValidationError,
      entity: 'WorkflowVersion',
      field: 'definition',
    },
    {
      name: 'a NUL byte in a published definition',
      run: () => new WorkflowRepository(db.em(), { userId: owner.id }).publish(flow.id, { definition: { a: '\0' } }),
      error: ValidationError,
      entity: 'WorkflowVersion',
      field: 'definition',
    },
    {
      name: 'Infinity for an agent temperature',
      run: agent({ temperature: Number.POSITIVE_INFINITY }),
      error: ValidationError,
      entity: 'Agent',
      field: 'temperature',
    },
    {
      name: 'NaN for max tokens',
      run: agent({ maxTokens: Number.NaN }),
      error: ValidationError,
      entity: 'Agent',
      field: 'maxTokens',
    },
    {
      name: 'a NUL byte in a system prompt',
      run: agent({ systemPrompt: 'be\0' }),
      error: ValidationError,
      entity: 'Agent',
      field: 'systemPrompt',
    },
    {
      name: 'an unknown agent type',
      run: agent({ type: 'robot' }),
      error: ValidationError,
      entity: 'Agent',
      field: 'type',
    },
  ]);
});

describe('the database refuses non-object metadata, also from outside the application', () => {
  itRefusesBadInput(db, schemas, [
    {
      name: 'raw SQL metadata as a JSON string',
      run: () =>
        db
          .query(`update workflows.workflows set metadata = '"text"'::jsonb where id = $1`, [flow.id])
          .catch((e: unknown) => {
            throw translateDbError(e, db.orm.getMetadata());
          }),
      error: CheckViolationError,
      entity: 'Workflow',
      field: 'metadata',
    },
  ]);
});
