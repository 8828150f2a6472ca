import { backupCommand } from './backup.ts';
import { healthCommand } from './health.ts';
import { check, down, migrate, plan, status } from './migrations.ts';
import { nasCommand } from './nas-scan.ts';
import { partitions } from './partitions.ts';
import { refreshViews } from './refresh-views.ts';
import { restoreCommand } from './restore.ts';
import { retention } from './retention.ts';
import { seed } from './seed.ts';
import { statsCommand } from './stats.ts';
import type { Command } from './types.ts';

/** Every `tessera` command, in the order the help lists them. Add a command: one file, one line here. */
export const commands: readonly Command[] = [
  migrate,
  status,
  plan,
  check,
  down,
  backupCommand,
  restoreCommand,
  healthCommand,
  statsCommand,
  partitions,
  refreshViews,
  nasCommand,
  retention,
  seed,
];
