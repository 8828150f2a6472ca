import { describe, expect, it } from 'vitest';
import { tessera, useMigratedDatabase } from './cli.ts';

const db = useMigratedDatabase();

describe('tessera refresh-views', () => {
  it('refreshes the materialized views the contexts declare, so they show rows written since', async () => {
    const seeded = await tessera(db.url, 'seed');
    expect(seeded.code, seeded.stderr).toBe(0);
    const before = await db.query('select count(*)::int as n from executions.workflow_execution_stats');
    expect(before[0]?.n).toBe(0);
    const result = await tessera(db.url, 'refresh-views');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Refreshed executions.workflow_execution_stats.');
    const after = await db.query('select count(*)::int as n from executions.workflow_execution_stats');
    expect(after[0]?.n).toBeGreaterThan(0);
  });
});
