import type { MigrationEntry } from '@tessera/kernel';

/** This context's migrations, oldest first. */
export const migrations: MigrationEntry[] = [];
