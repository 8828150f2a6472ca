import { describe, expect, it } from 'vitest';
import { tessera, useMigratedDatabase } from './cli.ts';

const db = useMigratedDatabase();

const partitionsOf = async (table: string) =>
  (
    await db.query(
      `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = $1::regclass and c.relname <> $2 order by 1`,
      [table, `${table.split('.')[1]}_default`],
    )
  ).map((r) => r.name as string);

describe('tessera partitions', () => {
  it('creates the current and coming months of every partitioned table, and is idempotent', async () => {
    const first = await tessera(db.url, 'partitions', '--ahead', '2');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/audit\.audit_logs: created audit_logs_p\d{6}, audit_logs_p\d{6}, audit_logs_p\d{6};/);
    expect(first.stdout).toMatch(/executions\.execution_logs: created execution_logs_p\d{6}, .*; dropped none/);
    expect(await partitionsOf('audit.audit_logs')).toHaveLength(3);
    expect(await partitionsOf('executions.execution_logs')).toHaveLength(3);
    const second = await tessera(db.url, 'partitions', '--ahead', '2');
    expect(second.stdout).toContain('audit.audit_logs: created none; dropped none');
  });

  it('drops partitions past the retention', async () => {
    await db.query(`create table audit.audit_logs_p200001 partition of audit.audit_logs
      for values from ('2000-01-01T00:00:00Z') to ('2000-02-01T00:00:00Z')`);
    const result = await tessera(db.url, 'partitions', '--ahead', '0', '--retention-months', '12');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('dropped audit_logs_p200001');
    expect(await partitionsOf('audit.audit_logs')).not.toContain('audit_logs_p200001');
  });

  it('rejects a bad --ahead with exit code 2 and the usage', async () => {
    const result = await tessera(db.url, 'partitions', '--ahead', 'soon');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--ahead must be a non-negative whole number of months');
  });
});
