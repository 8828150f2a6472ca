import { migrateDatabase, type ReplicatedServer, startReplicatedServer } from '@tessera/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platform } from '../src/composition.ts';
import type { HealthReport } from '../src/ops/health.ts';
import { tessera } from '../test/cli.ts';

// `tessera health --json` against a real primary and streaming replica, named in TESSERA_READ_REPLICA_URLS.
let server: ReplicatedServer;
let url: string;

beforeAll(async () => {
  server = await startReplicatedServer();
  url = await server.createDatabase('health_replicas');
  await migrateDatabase(platform, url);
  await server.waitForReplay();
  // Without a database name: the replica's copy of the primary's database is meant.
  process.env.TESSERA_READ_REPLICA_URLS = server.replicaAdminUrl.replace(/\/postgres$/, '');
}, 120_000);

afterAll(async () => {
  delete process.env.TESSERA_READ_REPLICA_URLS;
  await server?.stop();
});

describe('tessera health with read replicas', () => {
  it('lists the replica as reachable, with its lag and replay position', async () => {
    const run = await tessera(url, 'health', '--json');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as HealthReport;
    expect(report.replicas).toHaveLength(1);
    const [replica] = report.replicas ?? [];
    expect(replica?.replica).toBe(`127.0.0.1:${new URL(server.replicaAdminUrl).port}/health_replicas`);
    expect(replica?.reachable).toBe(true);
    expect(replica?.withinBudget).toBe(true);
    expect(replica?.lagMs).toBeGreaterThanOrEqual(0);
    expect(replica?.replayLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    // The password never reaches the output.
    expect(run.stdout).not.toContain(new URL(server.adminUrl).password);
  });

  it('reports a stopped replica as unreachable, and the whole as unhealthy (exit 1)', async () => {
    await server.stopReplica();
    try {
      const run = await tessera(url, 'health', '--json');
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout) as HealthReport;
      expect(report.connected).toBe(true);
      expect(report.replicas?.[0]).toMatchObject({ reachable: false, withinBudget: false, lagMs: null });
      expect(report.replicas?.[0]?.error).toMatch(/ECONNREFUSED|connect/);
      const table = await tessera(url, 'health');
      expect(table.stdout).toMatch(/replica 127\.0\.0\.1:\d+\/health_replicas +FAIL/);
    } finally {
      await server.startReplica();
    }
  });
});
