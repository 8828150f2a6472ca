import { describe, expect, it } from 'vitest';
import { commands } from '../src/commands/index.ts';
import { tessera } from './cli.ts';

describe('the platform command registry', () => {
  it('loads a runnable command for every entry', async () => {
    for (const entry of commands) {
      const command = await entry.load();
      expect(typeof command?.run, entry.name).toBe('function');
    }
  });

  it('lists the migration commands and then the platform’s own in --help, connecting to nothing', async () => {
    // Nothing listens on port 1: the help must not need the database.
    const help = await tessera('postgresql://nobody@127.0.0.1:1/none', '--help');
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout.split('\n')[0]).toBe('tessera: one database composed from every Tessera context');
    const listed = [...help.stdout.matchAll(/^ {2}([a-z-]+)\b/gm)].map((m) => m[1]);
    const migration = ['migrate', 'status', 'plan', 'check', 'down', 'history', 'resolve'];
    expect(listed.slice(0, migration.length + commands.length)).toEqual([...migration, ...commands.map((c) => c.name)]);
    expect(help.stdout).toContain('an embedded PostgreSQL under .tessera/ is used');
  });
});
