import { audit } from '@tessera/audit';
import { identity } from '@tessera/identity';
import { defineContext } from '@tessera/kernel';
import { Agent } from './entities/agent.entity.ts';
import { AgentTool } from './entities/agent-tool.entity.ts';
import { Workflow } from './entities/workflow.entity.ts';
import { WorkflowVersion } from './entities/workflow-version.entity.ts';
import { migrations } from './migrations/index.ts';

/** The workflows context: workflows, versions, agents and their tools, with RLS and the audit trigger. Schema `workflows`. */
export const workflows = defineContext({
  name: 'workflows',
  dependsOn: [identity, audit],
  entities: [Workflow, WorkflowVersion, Agent, AgentTool],
  rawObjects: [
    { kind: 'role', name: 'tessera_app' },
    { kind: 'role', name: 'tessera_admin' },
  ],
  migrations,
  // Sample data for `tessera seed`, loaded only when seeding: factories and faker stay out of the runtime entry.
  seed: () => import('./seed.ts'),
});
