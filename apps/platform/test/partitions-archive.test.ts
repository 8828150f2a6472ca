import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIT_LOGS_TABLE } from '@tessera/audit';
import { createOrm, maintainPartitions, PartitionChangedError } from '@tessera/kernel';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { platform } from '../src/composition.ts';
import { findTools } from '../src/ops/pgtools.ts';
import { tessera, useMigratedDatabase } from './cli.ts';

const db = useMigratedDatabase();
let dir: string;
let pgRestore: string | undefined;
beforeAll(async () => {
  const major = Math.floor(Number((await db.query(`select current_setting('server_version_num') as v`))[0]?.v) / 1e4);
  const fits = (await findTools('pg_dump')).some((t) => t.major >= major);
  pgRestore = fits ? (await findTools('pg_restore')).find((t) => t.major >= major)?.path : undefined;
});
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-archive-'));
  // An old month with three rows, past any retention.
  await db.query(`create table if not exists audit.audit_logs_p200001 partition of audit.audit_logs
    for values from ('2000-01-01T00:00:00Z') to ('2000-02-01T00:00:00Z')`);
  await db.query(`insert into audit.audit_logs (created_at, action, resource_type)
    select timestamptz '2000-01-10' + n * interval '1 day', 'create', 'archived-' || n from generate_series(1, 3) n`);
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const exists = async () =>
  (await db.query(`select to_regclass('audit.audit_logs_p200001') is not null as found`))[0]?.found;

describe('tessera partitions --archive DIR', () => {
  it('writes each partition to be dropped, verifies the copy, then drops it', async () => {
    const result = await tessera(db.url, 'partitions', '--ahead', '0', '--retention-months', '12', '--archive', dir);
    if (!pgRestore) {
      // No pg_dump for this server: the archive cannot be written, so nothing is dropped.
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('PG_TOOL_TOO_OLD');
      expect(await exists()).toBe(true);
      await db.query('drop table audit.audit_logs_p200001');
      return;
    }
    expect(result.code, result.stderr).toBe(0);
    const file = join(dir, 'audit.audit_logs_p200001.dump');
    expect(result.stdout).toContain(`archived audit.audit_logs_p200001 to ${file} (3 row(s), verified)`);
    expect(result.stdout).toContain('dropped audit_logs_p200001');
    expect(await exists()).toBe(false);
    expect(readdirSync(dir)).toEqual(['audit.audit_logs_p200001.dump']);
    // The file holds the three rows, readable by pg_restore.
    const data = execFileSync(pgRestore, ['--data-only', '--file=-', file], { encoding: 'utf8' });
    for (const n of [1, 2, 3]) expect(data).toContain(`archived-${n}`);
  });

  it('keeps the partition when its archive cannot be written', async () => {
    const notAFolder = join(dir, 'file');
    writeFileSync(notAFolder, 'in the way');
    const result = await tessera(
      db.url,
      'partitions',
      '--ahead',
      '0',
      '--retention-months',
      '12',
      '--archive',
      notAFolder,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('dropped audit_logs_p200001');
    expect(await exists()).toBe(true);
    expect(existsSync(join(notAFolder, 'audit.audit_logs_p200001.dump'))).toBe(false);
    await db.query('drop table audit.audit_logs_p200001');
  });

  it('keeps a partition that gained rows between its archive and its drop', async () => {
    const orm = await createOrm(platform, db.url, { pool: { min: 0, max: 1 } });
    try {
      const run = maintainPartitions(orm.em.fork(), AUDIT_LOGS_TABLE, {
        ahead: 0,
        retentionMonths: 12,
        // The archive saw 3 rows; a late write lands in the partition before the drop.
        archive: async () => {
          await db.query(`insert into audit.audit_logs (created_at, action, resource_type)
            values (timestamptz '2000-01-20', 'create', 'late')`);
          return 3;
        },
      });
      await expect(run).rejects.toThrow(PartitionChangedError);
      await expect(run).rejects.toThrow('partition audit.audit_logs_p200001 holds 4 row(s) but its archive holds 3');
    } finally {
      await orm.close(true);
    }
    expect(await exists()).toBe(true);
    await db.query('drop table audit.audit_logs_p200001');
  });
});
