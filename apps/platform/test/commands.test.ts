import { describe, expect, it } from 'vitest';
import { commands } from '../src/commands/index.ts';

describe('the platform command registry', () => {
  it('lists each command under the name and help line its module declares', async () => {
    for (const entry of commands) {
      const command = (await entry.load()) as { name?: string; help?: string };
      expect({ name: command.name, help: command.help?.trim() }).toEqual({ name: entry.name, help: entry.help.trim() });
    }
  });
});
