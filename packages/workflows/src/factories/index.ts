import type { EntityManager } from '@mikro-orm/postgresql';
import type { IUser } from '@tessera/identity';
import { userFactory } from '@tessera/identity/testing';
import { uniqueSuffix } from '@tessera/kernel';
import type { IAgent } from '../entities/agent.entity.ts';
import type { IWorkflow } from '../entities/workflow.entity.ts';
import { AgentRepository, type CreateAgentInput } from '../repositories/agent.repository.ts';
import { type CreateWorkflowInput, WorkflowRepository } from '../repositories/workflow.repository.ts';

/** A workflow (with its version 1) owned by `owner`, or by a new user; override any field. */
export async function workflowFactory(
  em: EntityManager,
  overrides: Partial<CreateWorkflowInput> & { owner?: IUser } = {},
): Promise<IWorkflow & { owner: IUser }> {
  const { owner = await userFactory(em), ...fields } = overrides;
  const workflow = await new WorkflowRepository(em, { userId: owner.id }).create({
    name: `Workflow ${uniqueSuffix()}`,
    definition: { steps: [{ name: 'start', type: 'agent' }] },
    ...fields,
  });
  return Object.assign(workflow, { owner });
}

/** An agent owned by `owner`, or by a new user; override any field. */
export async function agentFactory(
  em: EntityManager,
  overrides: Partial<CreateAgentInput> & { owner?: IUser } = {},
): Promise<IAgent & { owner: IUser }> {
  const { owner = await userFactory(em), ...fields } = overrides;
  const agent = await new AgentRepository(em, { userId: owner.id }).create({
    name: `Agent ${uniqueSuffix()}`,
    type: 'custom',
    configuration: { endpoint: 'local' },
    ...fields,
  });
  return Object.assign(agent, { owner });
}
