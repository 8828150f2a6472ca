import {
  declareConsistency,
  flushOrDetach,
  isUuid,
  NotFoundError,
  UniqueViolationError,
  ValidationError,
  validateEntity,
} from '@tessera/kernel';
import { Agent, type AgentStatus, type AgentType, type IAgent } from '../entities/agent.entity.ts';
import { AgentTool, type IAgentTool } from '../entities/agent-tool.entity.ts';
import { ActorRepository } from '../rls.ts';

/** What {@link AgentRepository.create} needs. */
export interface CreateAgentInput {
  name: string;
  type: AgentType;
  configuration: Record<string, unknown>;
  description?: string | null;
  status?: AgentStatus;
  systemPrompt?: string | null;
  modelName?: string | null;
  temperature?: number;
  maxTokens?: number;
}

/** A tool to add to an agent. */
export interface AddToolInput {
  toolName: string;
  toolType: string;
  configuration: Record<string, unknown>;
  isEnabled?: boolean;
}

/**
 * Agents and their tools, for one acting user (row-level security applies, as for workflows). A method joins the
 * transaction of the EntityManager it was given, if any (see {@link ActorRepository}).
 */
export class AgentRepository extends ActorRepository {
  /** Creates an agent owned by the actor. */
  async create(input: CreateAgentInput): Promise<IAgent> {
    const data = {
      name: typeof input.name === 'string' ? input.name.trim() : input.name,
      description: input.description ?? null,
      type: input.type,
      status: input.status ?? 'active',
      configuration: input.configuration,
      systemPrompt: input.systemPrompt ?? null,
      modelName: input.modelName ?? null,
      temperature: input.temperature ?? 0.7,
      maxTokens: input.maxTokens ?? 1000,
      createdBy: this.actor.userId,
    };
    validateEntity(this.callerEm.getMetadata(Agent), data);
    return this.transactional(async (tx) => {
      const agent = tx.create(Agent, data);
      await flushOrDetach(tx, [agent]);
      return agent;
    });
  }

  /** The agent with this id, as this actor may see it; NotFoundError otherwise. */
  async get(id: string): Promise<IAgent> {
    return this.transactional((tx) => this.findVisible(tx, Agent, id));
  }

  /** Adds a tool; a name the agent already uses is a UniqueViolationError on `toolName`. */
  async addTool(agentId: string, input: AddToolInput): Promise<IAgentTool> {
    return this.transactional(async (tx) => {
      const agent = await this.findVisible(tx, Agent, agentId);
      const data = {
        agent,
        toolName: typeof input.toolName === 'string' ? input.toolName.trim() : input.toolName,
        toolType: input.toolType,
        configuration: input.configuration,
        isEnabled: input.isEnabled ?? true,
      };
      validateEntity(tx.getMetadata(AgentTool), data);
      if (await tx.count(AgentTool, { agent, toolName: data.toolName })) {
        throw new UniqueViolationError('AgentTool', ['agent', 'toolName'], 'uq_agent_tools_agent_id_tool_name');
      }
      const tool = tx.create(AgentTool, data);
      await flushOrDetach(tx, [tool]);
      return tool;
    });
  }

  /** Enables or disables a tool; returns it as stored. */
  async setToolEnabled(toolId: string, enabled: boolean): Promise<IAgentTool> {
    if (typeof enabled !== 'boolean') throw new ValidationError('AgentTool', 'isEnabled', 'must be true or false');
    return this.transactional(async (tx) => {
      const tool = isUuid(toolId) ? await tx.findOne(AgentTool, { id: toolId }) : null;
      if (!tool) throw new NotFoundError('AgentTool', { id: toolId });
      tool.isEnabled = enabled;
      await flushOrDetach(tx, [tool]);
      return tool;
    });
  }

  /** An agent's tools by name; `enabled` filters on the switch. */
  async tools(agentId: string, options: { enabled?: boolean } = {}): Promise<IAgentTool[]> {
    return this.transactional(async (tx) => {
      const agent = await this.findVisible(tx, Agent, agentId);
      const where = options.enabled === undefined ? { agent } : { agent, isEnabled: options.enabled };
      return tx.find(AgentTool, where, { orderBy: { toolName: 'asc' } });
    });
  }
}

// Read consistency per method (callers override with withConsistency); writes read the primary.
declareConsistency(AgentRepository, {
  reads: { get: 'read-your-writes', tools: 'read-your-writes' },
  writes: ['create', 'addTool', 'setToolEnabled'],
});
