import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { idProperty, timestampProperties, updatedAtTrigger } from '@tessera/kernel';
import { Agent } from './agent.entity.ts';

/** A tool an agent may call; the name is unique per agent. */
export const AgentTool = defineEntity({
  name: 'AgentTool',
  tableName: 'agent_tools',
  schema: 'workflows',
  properties: {
    id: idProperty(),
    agent: () => p.manyToOne(Agent).deleteRule('cascade').index(),
    toolName: p.string().length(255),
    toolType: p.string().length(100),
    configuration: p.json<Record<string, unknown>>(),
    isEnabled: p.boolean().default(true).index(),
    ...timestampProperties(),
  },
  uniques: [{ properties: ['agent', 'toolName'] }],
  triggers: [updatedAtTrigger('agent_tools')],
  policies: [
    {
      name: 'agent_tools_via_agent',
      using: 'EXISTS (SELECT 1 FROM workflows.agents a WHERE a.id = agent_tools.agent_id)',
      check: 'EXISTS (SELECT 1 FROM workflows.agents a WHERE a.id = agent_tools.agent_id)',
    },
  ],
});

/** A loaded agent tool. */
export type IAgentTool = InferEntity<typeof AgentTool>;
