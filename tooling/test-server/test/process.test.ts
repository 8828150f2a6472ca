import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { runNode } from '../src/index.ts';

const folder = fileURLToPath(new URL('./fixtures/echo', import.meta.url));
const script = fileURLToPath(new URL('./fixtures/echo/echo.js', import.meta.url));

describe('runNode', () => {
  test('gives the exit code and what the process printed, run in cwd with exactly env', async () => {
    const run = await runNode(script, ['a', 'b'], { env: { GREETING: 'hi' }, cwd: folder });
    expect(run).toEqual({ code: 3, stdout: 'a b', stderr: `hi|${folder}` });
  });
});
