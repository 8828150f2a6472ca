import { renderTable } from '@tessera/cli';
import { replicaSettings } from '@tessera/kernel';
import { health } from '../ops/health.ts';
import type { Command } from './types.ts';

/** `tessera health`: connectivity, latency, server version, pending migrations and drift; exit 1 if unhealthy. */
export const healthCommand: Command = {
  options: { json: { type: 'boolean' } },
  // Health reports an unreachable database now (in the report, as JSON with --json) rather than waiting for it.
  waitForDatabase: false,
  async run(ctx) {
    // The replicas of this run's environment (TESSERA_READ_REPLICA_URLS and the lag budget).
    const report = await health(ctx.url, replicaSettings(ctx.env));
    if (ctx.values.json) {
      ctx.out(JSON.stringify(report, null, 2));
      return report.healthy ? 0 : 1;
    }
    const ms = (v: number | undefined) => (v === undefined ? '-' : `${v.toFixed(1)} ms`);
    const pending = report.pendingMigrations ?? [];
    const problems = report.migrationProblems ?? [];
    const drift = report.drift ?? [];
    const rows: [string, string, string][] = [
      [
        'connection',
        report.connected ? 'ok' : 'FAIL',
        report.connected ? `connect ${ms(report.connectMs)}` : String(report.error),
      ],
    ];
    if (report.connected) {
      rows.push(
        ['latency', 'ok', `round trip ${ms(report.roundTripMs)} (median of 5)`],
        ['server', 'ok', `PostgreSQL ${report.serverVersion}, database ${report.database}`],
        [
          'migrations',
          pending.length || problems.length ? 'FAIL' : 'ok',
          pending.length
            ? `${pending.length} pending: run \`tessera migrate\``
            : problems.length
              ? problems.join('; ')
              : 'all applied',
        ],
        [
          'drift',
          drift.length ? 'FAIL' : 'ok',
          drift.length ? `${drift.length} statement(s) would align it (see \`tessera check\`)` : 'none',
        ],
      );
    }
    for (const r of report.replicas ?? []) {
      const detail = r.reachable
        ? `lag ${r.lagMs === null ? 'unknown' : ms(r.lagMs)}, replayed to ${r.replayLsn}`
        : String(r.error ?? 'unreachable');
      rows.push([`replica ${r.replica}`, r.withinBudget ? 'ok' : 'FAIL', detail]);
    }
    for (const line of renderTable(['check', 'status', 'detail'], rows)) ctx.out(line);
    ctx.out(report.healthy ? 'healthy' : 'UNHEALTHY');
    return report.healthy ? 0 : 1;
  },
};
