import type { CommandEntry } from '@tessera/cli';

/**
 * The platform's commands after the migration commands every composition gets (@tessera/cli). Each loads its
 * module only when it runs, and its name and help line live only here, so `tessera --help` loads none of them.
 * Add a command: one file, one entry here.
 */
export const commands: readonly CommandEntry[] = [
  {
    name: 'backup',
    help: '[--context NAME] [--file PATH]  dump the database (or one context) with pg_dump, custom format',
    load: async () => (await import('./backup.ts')).backupCommand,
  },
  {
    name: 'restore',
    help: 'FILE [--database NAME] [--force] [--unverified] [--jobs N]  restore a backup into a new or empty database and verify it',
    load: async () => (await import('./restore.ts')).restoreCommand,
  },
  {
    name: 'health',
    help: '[--json]                connectivity, round-trip latency, server version, pending migrations, drift, replicas',
    load: async () => (await import('./health.ts')).healthCommand,
  },
  {
    name: 'stats',
    help: '[--json]                 per table and per context: rows, table/index size, dead tuples, last vacuum/analyze',
    load: async () => (await import('./stats.ts')).statsCommand,
  },
  {
    name: 'partitions',
    help: '[--ahead N] [--retention-months M] [--archive DIR]  create partitions N months ahead (default 3); drop those older than M months, archived to DIR first',
    load: async () => (await import('./partitions.ts')).partitions,
  },
  {
    name: 'nas',
    help: 'scan DIR [--batch-size N] [--full]  ingest a directory tree into the NAS inventory',
    load: async () => (await import('./nas-scan.ts')).nasCommand,
  },
  {
    name: 'retention',
    help: '[--days N] [--batch-size N]  delete search history older than N days (default 90), in batches',
    load: async () => (await import('./retention.ts')).retention,
  },
  {
    name: 'seed',
    help: '[--scale N]                 load sample and demo data into every context (idempotent; N sizes it, default 1)',
    load: async () => (await import('./seed.ts')).seed,
  },
  {
    name: 'refresh-views',
    help: '                     refresh every materialized view the contexts declare (dashboards read them)',
    load: async () => (await import('./refresh-views.ts')).refreshViews,
  },
];
