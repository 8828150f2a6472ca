import { User } from '@tessera/identity';
import { DEMO_USERS_PER_SCALE, demoUserEmail } from '@tessera/identity/seed';
import { type Seeder, type SeedReport, tally } from '@tessera/kernel';
import { Agent, AgentRepository, Workflow, WorkflowRepository } from './index.ts';
import { agentFactory, workflowFactory } from './testing.ts';

/** Demo workflows and demo agents per unit of `--scale`. */
export const DEMO_WORKFLOWS_PER_SCALE = 5;
export const DEMO_AGENTS_PER_SCALE = 3;

/** The name of demo workflow `i`: the natural key that makes re-seeding a no-op. */
export const demoWorkflowName = (i: number) => `Demo workflow ${String(i).padStart(5, '0')}`;
const demoAgentName = (i: number) => `Demo agent ${String(i).padStart(5, '0')}`;

const TOOLS = [
  { toolName: 'search_documents', toolType: 'knowledge', configuration: { topK: 5 } },
  { toolName: 'send_webhook', toolType: 'http', configuration: { method: 'POST' } },
];

/**
 * `5 × scale` workflows (every other one with a published version 2) and `3 × scale` agents with two tools
 * each, owned by the demo users round-robin and found again by name. They are written through the packages'
 * factories and RLS-aware repositories acting as each owner, so the workflows audit trigger records them. Those
 * repositories join the seeder's transaction (acting as the owner for each call), so everything is committed with it.
 */
export const workflowsSeeder: Seeder = {
  async run({ em, scale }) {
    const report: SeedReport = {};
    const owners = await em.find(
      User,
      { email: { $in: Array.from({ length: DEMO_USERS_PER_SCALE * scale }, (_, i) => demoUserEmail(i)) } },
      { orderBy: { email: 'asc' } },
    );
    if (owners.length === 0) return report;

    const names = Array.from({ length: DEMO_WORKFLOWS_PER_SCALE * scale }, (_, i) => demoWorkflowName(i));
    const known = new Set((await em.find(Workflow, { name: { $in: names } }, { fields: ['name'] })).map((w) => w.name));
    let created = 0;
    for (const [i, name] of names.entries()) {
      if (known.has(name)) continue;
      const owner = owners[i % owners.length] as (typeof owners)[number];
      const workflow = await workflowFactory(em, {
        owner,
        name,
        description: `Demo workflow ${i}: summarise new documents and notify the team`,
        tags: ['demo', i % 2 === 0 ? 'reporting' : 'alerts'],
        metadata: { demo: true, team: owner.department },
        definition: {
          steps: [
            { name: 'fetch', type: 'agent' },
            { name: 'summarise', type: 'agent' },
          ],
        },
        changeSummary: 'first version',
      });
      if (i % 2 === 0) {
        await new WorkflowRepository(em, { userId: owner.id }).publish(workflow.id, {
          definition: {
            steps: [
              { name: 'fetch', type: 'agent' },
              { name: 'summarise', type: 'agent' },
              { name: 'notify', type: 'webhook' },
            ],
          },
          changeSummary: 'notify the team',
        });
      }
      created += 1;
    }
    tally(report, 'workflows', created, known.size);

    const agentNames = Array.from({ length: DEMO_AGENTS_PER_SCALE * scale }, (_, i) => demoAgentName(i));
    const knownAgents = new Set(
      (await em.find(Agent, { name: { $in: agentNames } }, { fields: ['name'] })).map((a) => a.name),
    );
    let agents = 0;
    for (const [i, name] of agentNames.entries()) {
      if (knownAgents.has(name)) continue;
      const owner = owners[i % owners.length] as (typeof owners)[number];
      const agent = await agentFactory(em, {
        owner,
        name,
        type: (['semantic_kernel', 'autogen', 'custom'] as const)[i % 3],
        systemPrompt: 'You answer from the company documents only.',
        modelName: 'gpt-4o-mini',
        configuration: { endpoint: 'local' },
      });
      const repo = new AgentRepository(em, { userId: owner.id });
      for (const tool of TOOLS) await repo.addTool(agent.id, tool);
      agents += 1;
    }
    tally(report, 'agents', agents, knownAgents.size);
    return report;
  },
};

/** The context's seeder, as its `seed` loader hands it to the platform. */
export { workflowsSeeder as seeder };
