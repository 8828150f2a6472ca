import { describe, expect, it } from 'vitest';
import {
  currentConsistency,
  currentScope,
  declareConsistency,
  formatLsn,
  InvalidSettingError,
  isReplicaFailure,
  parseLsn,
  replicaSettings,
  withConsistency,
  withReadScope,
} from '../src/index.ts';

class Repo {
  seen: string[] = [];
  async read() {
    this.seen.push(currentConsistency());
  }
  async write() {
    await this.read();
  }
}
declareConsistency(Repo, { reads: { read: 'replica' }, writes: ['write'] });

describe('read scopes and consistency', () => {
  it('a read method runs at its default, a caller override wins, a write reads on the primary whatever was asked', async () => {
    const repo = new Repo();
    await repo.read();
    await withConsistency('primary', () => repo.read());
    await repo.write();
    await withConsistency('replica', () => repo.write());
    expect(repo.seen).toEqual(['replica', 'primary', 'primary', 'primary']);
  });

  it('a write marks its scope, and each withReadScope has a scope of its own', async () => {
    const repo = new Repo();
    await withReadScope(async () => {
      expect(currentScope().dirty).toBe(false);
      await repo.write();
      expect(currentScope().dirty).toBe(true);
      await withReadScope(async () => expect(currentScope().dirty).toBe(false));
    });
    const a = withReadScope(() => currentScope());
    const b = withReadScope(() => currentScope());
    expect(a).not.toBe(b);
  });
});

describe('replica settings', () => {
  it('reads the URL list and budgets, and names the variable of a bad value without echoing URLs', () => {
    const s = replicaSettings({
      TESSERA_READ_REPLICA_URLS: 'postgresql://a:pw@r1:5432/db, postgres://r2',
      TESSERA_REPLICA_MAX_LAG_MS: '250',
    });
    expect(s).toEqual({
      urls: ['postgresql://a:pw@r1:5432/db', 'postgres://r2'],
      maxLagMs: 250,
      checkIntervalMs: 500,
      readsOnPrimary: false,
    });
    expect(replicaSettings({ TESSERA_REPLICA_READS_ON_PRIMARY: 'true' }).readsOnPrimary).toBe(true);
    expect(() => replicaSettings({ TESSERA_REPLICA_READS_ON_PRIMARY: 'sometimes' })).toThrow(
      /TESSERA_REPLICA_READS_ON_PRIMARY/,
    );
    expect(replicaSettings({}).urls).toEqual([]);
    const bad = () => replicaSettings({ TESSERA_READ_REPLICA_URLS: 'mysql://u:secret@h/db' });
    expect(bad).toThrow(InvalidSettingError);
    expect(bad).toThrow(/TESSERA_READ_REPLICA_URLS/);
    expect(bad).not.toThrow(/secret/);
    expect(() => replicaSettings({ TESSERA_REPLICA_MAX_LAG_MS: '-1' })).toThrow(/TESSERA_REPLICA_MAX_LAG_MS/);
  });
});

describe('WAL positions and replica failures', () => {
  it('orders pg_lsn values numerically and prints them back', () => {
    expect(parseLsn('0/16B3748')).toBe(0x16b3748n);
    expect((parseLsn('1/0') as bigint) > (parseLsn('0/FFFFFFFF') as bigint)).toBe(true);
    expect(formatLsn(parseLsn('16/B374D848') as bigint)).toBe('16/B374D848');
    expect(parseLsn(null)).toBeNull();
  });

  it('treats connection and shutdown errors as the replica’s, query errors as the caller’s', () => {
    expect(isReplicaFailure(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isReplicaFailure(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(true);
    expect(isReplicaFailure(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isReplicaFailure(Object.assign(new Error('syntax error'), { code: '42601' }))).toBe(false);
  });
});
