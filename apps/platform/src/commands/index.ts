import { backupCommand } from './backup.ts';
import { healthCommand } from './health.ts';
import { history, resolve } from './history.ts';
import { check, down, migrate, plan, status } from './migrations.ts';
import { nasCommand } from './nas-scan.ts';
import { partitions } from './partitions.ts';
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
  history,
  resolve,
  backupCommand,
  restoreCommand,
  healthCommand,
  statsCommand,
  partitions,
  nasCommand,
  retention,
  seed,
];
