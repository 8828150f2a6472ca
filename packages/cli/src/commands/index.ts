import type { CommandEntry } from '../command.ts';

/**
 * The migration commands every composition gets, in the order the help lists them. Adding one is one line here
 * (name, help, lazy import) and a module in this folder exporting `run` (and `options` if it takes any).
 */
export const migrationCommands: readonly CommandEntry[] = [
  {
    name: 'migrate',
    help: 'apply every pending migration (under a lock, in dependency order)',
    load: () => import('./migrate.ts'),
  },
  { name: 'status', help: 'applied and pending migrations, per context', load: () => import('./status.ts') },
  {
    name: 'plan',
    help: 'the pending migrations and their SQL, without applying them',
    load: () => import('./plan.ts'),
  },
  {
    name: 'check',
    help: 'fail if the database differs from the entities, or migrations are pending',
    load: () => import('./check.ts'),
  },
  {
    name: 'down',
    help: '[--to NAME|0] [--steps N]  revert the last migration, the last N, or all applied after NAME (0: all)',
    load: () => import('./down.ts'),
  },
  {
    name: 'history',
    help: '[--json]  applied migrations with time, duration, checksum and context',
    load: () => import('./history.ts'),
  },
  {
    name: 'resolve',
    help: 'NAME --applied|--rolled-back  mark a failed non-transactional migration after checking it by hand',
    load: () => import('./resolve.ts'),
  },
];
