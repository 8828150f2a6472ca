import { tessera as harness } from '@tessera/test-server/vitest';
import { tessera } from '@tessera/testing/vitest';
import { expect, it } from 'vitest';
import * as entry from '../src/index.ts';

it('./vitest exports the harness plugin of @tessera/test-server/vitest itself', () => {
  expect(tessera).toBe(harness);
  expect(typeof tessera).toBe('function');
});

it('the main entry re-exports the replicated server of @tessera/test-server', async () => {
  const server = await import('@tessera/test-server');
  expect(entry.startReplicatedServer).toBe(server.startReplicatedServer);
});
