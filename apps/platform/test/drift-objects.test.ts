import { describe, expect, it } from 'vitest';
import { tessera, useMigratedDatabase } from './cli.ts';

const db = useMigratedDatabase();

describe('tessera check: objects the ORM comparator does not see', () => {
  it('reports no drift on a clean database, nor after partition maintenance created months ahead', async () => {
    const clean = await tessera(db.url, 'check');
    expect(clean.stdout).toContain('No drift');
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);

    const maintained = await tessera(db.url, 'partitions', '--ahead', '3');
    expect(maintained.code, maintained.stderr).toBe(0);
    expect(maintained.stdout).toMatch(/created audit_logs_p\d{6}/);
    const after = await tessera(db.url, 'check');
    expect(after.code, after.stdout + after.stderr).toBe(0);
  });

  it('names a dropped full-text index, revoked grants, a dropped DEFAULT partition and a dropped view index', async () => {
    await db.query('drop index catalog.ix_hand_clips_notes_search');
    await db.query('revoke all on workflows.workflows from tessera_app');
    await db.query('drop table audit.audit_logs_default');
    await db.query('drop index executions.ix_workflow_execution_stats_workflow_id');
    const result = await tessera(db.url, 'check');
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n').map((l) => l.trim());
    expect(lines).toContain('The database differs from what the migrations create:');
    expect(lines).toContain('index catalog.ix_hand_clips_notes_search is missing');
    for (const privilege of ['SELECT', 'INSERT', 'UPDATE', 'DELETE']) {
      expect(lines).toContain(`grant ${privilege} on workflows.workflows to tessera_app is missing`);
    }
    expect(lines).toContain('partition audit.audit_logs_default is missing');
    expect(lines).toContain('index executions.ix_workflow_execution_stats_workflow_id is missing');
    expect(result.stdout).not.toContain('No drift');
  });
});
