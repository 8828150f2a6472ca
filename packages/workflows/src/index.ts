/** @tessera/workflows: workflows, versions, agents and tools, with row-level security and the audit trigger. */

/** The context module to compose (`composeContexts([workflows])`). */
export { workflows } from './context.ts';
/** The agent entity, its types and statuses. */
export {
  AGENT_STATUSES,
  AGENT_TYPES,
  Agent,
  type AgentStatus,
  type AgentType,
  type IAgent,
} from './entities/agent.entity.ts';
/** The agent tool entity. */
export { AgentTool, type IAgentTool } from './entities/agent-tool.entity.ts';
/** The workflow entity and its statuses. */
export { type IWorkflow, WORKFLOW_STATUSES, Workflow, type WorkflowStatus } from './entities/workflow.entity.ts';
/** The workflow version entity. */
export { type IWorkflowVersion, WorkflowVersion } from './entities/workflow-version.entity.ts';
/** Creating agents and adding or removing their tools, as an actor. */
export { type AddToolInput, AgentRepository, type CreateAgentInput } from './repositories/agent.repository.ts';
/** Creating, publishing, listing and archiving workflows, as an actor. */
export {
  type CreateWorkflowInput,
  type ListWorkflowsOptions,
  type PublishVersionInput,
  type WorkflowRecord,
  WorkflowRepository,
} from './repositories/workflow.repository.ts';
/** Who acts (row-level security): the roles, an entity manager acting as the actor, the settings of a batch. */
/** The base of a repository acting as an actor, in the caller's transaction when it has one. */
export { type Actor, ActorRepository, ADMIN_ROLE, APP_ROLE, actingAs, actorSettings } from './rls.ts';
