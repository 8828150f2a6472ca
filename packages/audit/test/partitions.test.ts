import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { AuditLogRepository, audit } from '../src/index.ts';

const db = useTestDatabase(audit);

const partitions = async () =>
  (
    await db.query<{ name: string }>(
      `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'audit.audit_logs'::regclass order by 1`,
    )
  ).map((r) => r.name);

const insertAt = (at: string) =>
  db.query(`insert into audit.audit_logs (action, resource_type, created_at) values ('create', 'probe', $1)`, [at]);

const rowsIn = async (table: string) =>
  Number((await db.query<{ n: string }>(`select count(*) as n from audit.${table}`))[0]?.n);

describe('audit_logs partitions', () => {
  // One ordered story on one database: each step builds on the partitions the previous one left.
  it('accept writes for months without a partition, create months ahead, move waiting rows, drop old ones', async () => {
    expect(await partitions()).toEqual(['audit_logs_default']);
    await insertAt('2031-03-15T10:00:00Z');
    await insertAt('2031-05-02T00:00:00Z');
    expect(await rowsIn('audit_logs_default')).toBe(2);

    const repo = new AuditLogRepository(db.em());
    const first = await repo.maintainPartitions({ now: new Date('2031-04-20T00:00:00Z'), ahead: 2 });
    // March has a waiting row, so it gets a partition too; the rows move out of the default partition.
    expect(first.created).toEqual([
      'audit_logs_p203103',
      'audit_logs_p203104',
      'audit_logs_p203105',
      'audit_logs_p203106',
    ]);
    expect(first.movedRows).toBe(2);
    expect(await rowsIn('audit_logs_default')).toBe(0);
    expect(await rowsIn('audit_logs_p203103')).toBe(1);
    expect(await rowsIn('audit_logs_p203105')).toBe(1);
    expect(await rowsIn('audit_logs')).toBe(2);

    const again = await repo.maintainPartitions({ now: new Date('2031-04-20T00:00:00Z'), ahead: 2 });
    expect(again).toMatchObject({ created: [], dropped: [], movedRows: 0 });

    const later = await repo.maintainPartitions({
      now: new Date('2031-07-01T00:00:00Z'),
      ahead: 0,
      retentionMonths: 2,
    });
    expect(later).toMatchObject({
      created: ['audit_logs_p203107'],
      dropped: ['audit_logs_p203103', 'audit_logs_p203104'],
    });
    expect(await partitions()).toEqual([
      'audit_logs_default',
      'audit_logs_p203105',
      'audit_logs_p203106',
      'audit_logs_p203107',
    ]);
    expect(await rowsIn('audit_logs')).toBe(1);
  });

  it('rejects a negative look-ahead or retention', async () => {
    const repo = new AuditLogRepository(db.em());
    await expect(repo.maintainPartitions({ ahead: -1 })).rejects.toThrow(/ahead/);
    await expect(repo.maintainPartitions({ retentionMonths: 1.5 })).rejects.toThrow(/retentionMonths/);
  });
});
