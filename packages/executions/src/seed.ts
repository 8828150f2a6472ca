import { type Seeder, type SeedReport, sql, tally } from '@tessera/kernel';
import { Workflow } from '@tessera/workflows';
import { DEMO_WORKFLOWS_PER_SCALE, demoWorkflowName } from '@tessera/workflows/seed';
import type { ExecutionStatus, StepStatus } from './index.ts';
import { executionFactory, executionLogFactory, executionStepFactory } from './testing.ts';

/** Demo executions per demo workflow. */
export const DEMO_EXECUTIONS_PER_WORKFLOW = 3;

/** What each execution of a workflow looks like: its status and the statuses of its steps. */
const RUNS: readonly { status: ExecutionStatus; steps: readonly StepStatus[] }[] = [
  { status: 'completed', steps: ['completed', 'completed'] },
  { status: 'failed', steps: ['completed', 'failed'] },
  { status: 'running', steps: ['completed', 'running'] },
];

/**
 * Three executions of every demo workflow, triggered by its owner: a completed, a failed and a running one, with
 * their steps and a log line per step. An execution is found again by `metadata.seed_key` (workflow name and run
 * number). Written by the executions factories as the connecting role (which owns the tables, so RLS does not
 * filter these writes), all in this seeder's transaction.
 */
export const executionsSeeder: Seeder = {
  async run({ em, scale }) {
    const report: SeedReport = {};
    const workflows = await em.find(
      Workflow,
      { name: { $in: Array.from({ length: DEMO_WORKFLOWS_PER_SCALE * scale }, (_, i) => demoWorkflowName(i)) } },
      { populate: ['createdBy'], orderBy: { name: 'asc' } },
    );
    const keys = workflows.flatMap((w) => RUNS.map((_, r) => `${w.name} #${r + 1}`));
    // The key lives in JSON, so it is read with ->>.
    const rows =
      keys.length === 0
        ? []
        : await sql<{ key: string }>(em, {
            text: `select metadata->>'seed_key' as key from executions.executions where metadata->>'seed_key' = any($1::text[])`,
            values: [keys],
          });
    const known = new Set(rows.map((r) => r.key));
    let created = 0;
    for (const workflow of workflows) {
      for (const [r, run] of RUNS.entries()) {
        const key = `${workflow.name} #${r + 1}`;
        if (known.has(key)) continue;
        const execution = await executionFactory(em, {
          workflow,
          triggeredBy: workflow.createdBy,
          status: run.status,
          inputData: { documents: r + 1 },
          metadata: { seed_key: key },
        });
        for (const [stepIndex, status] of run.steps.entries()) {
          const step = await executionStepFactory(em, {
            execution,
            stepIndex,
            stepName: stepIndex === 0 ? 'fetch' : 'summarise',
            status,
          });
          await executionLogFactory(em, {
            execution,
            step,
            level: status === 'failed' ? 'error' : 'info',
            message: `${step.stepName}: ${status}`,
          });
        }
        created += 1;
      }
    }
    tally(report, 'executions', created, known.size);
    return report;
  },
};

/** The context's seeder, as its `seed` loader hands it to the platform. */
export { executionsSeeder as seeder };
