/** @tessera/workflows: workflows, versions, agents and tools, with row-level security and the audit trigger. */
export { workflows } from './context.ts';
export {
  AGENT_STATUSES,
  AGENT_TYPES,
  Agent,
  type AgentStatus,
  type AgentType,
  type IAgent,
} from './entities/agent.entity.ts';
export { AgentTool, type IAgentTool } from './entities/agent-tool.entity.ts';
export { type IWorkflow, WORKFLOW_STATUSES, Workflow, type WorkflowStatus } from './entities/workflow.entity.ts';
export { type IWorkflowVersion, WorkflowVersion } from './entities/workflow-version.entity.ts';
export { type AddToolInput, AgentRepository, type CreateAgentInput } from './repositories/agent.repository.ts';
export {
  type CreateWorkflowInput,
  type ListWorkflowsOptions,
  type PublishVersionInput,
  type WorkflowRecord,
  WorkflowRepository,
} from './repositories/workflow.repository.ts';
export {
  type Actor,
  ADMIN_ROLE,
  APP_ROLE,
  actingAs,
  actorSettings,
  currentUserSql,
  isSuperuserSql,
  roleFor,
} from './rls.ts';
