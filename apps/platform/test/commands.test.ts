import { describe, expect, it } from 'vitest';
import { commands } from '../src/commands/index.ts';

describe('the platform command registry', () => {
  it('loads a runnable command for every entry', async () => {
    for (const entry of commands) {
      const command = await entry.load();
      expect(typeof command?.run, entry.name).toBe('function');
    }
  });
});
