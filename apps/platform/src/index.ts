export { platform } from './composition.ts';
export { tesseraHome, useEmbeddedDatabase, workspaceRoot } from './embedded.ts';
export { auditEventSink, recordOpsEventsInAudit } from './ops/audit-sink.ts';
export { type BackupManifest, type BackupResult, backup } from './ops/backup.ts';
export { type OpsEvent, OpsEventBus, type OpsEventSink, opsEvents } from './ops/events.ts';
export { type HealthReport, health } from './ops/health.ts';
export { type RestoreResult, restore } from './ops/restore.ts';
export { type StatsReport, stats } from './ops/stats.ts';
