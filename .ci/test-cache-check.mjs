#!/usr/bin/env node
// Proves that `turbo run test` is cached per package with the right inputs, without running a test or needing a
// database: it compares the hash turbo gives each package's test task (`--dry=json`) before and after one change.
// A task whose hash changed runs again; a task whose hash did not is a cache hit once it has run.
//   node .ci/test-cache-check.mjs      (from the repository root; turbo from node_modules)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const turbo = join(root, 'node_modules', '.bin', 'turbo');

// The variables that select the test server are part of the hash; start from an environment without them.
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !/^(TEST_DATABASE_URL|DATABASE_URL|TESSERA_|TESTCONTAINERS_|DOCKER_HOST$|PG)/.test(k),
  ),
);

/** Package name -> hash of its `test` task, for packages that have a test script. */
function testHashes(env = {}) {
  const out = execFileSync(turbo, ['run', 'test', '--dry=json'], {
    cwd: root,
    env: { ...cleanEnv, TURBO_TELEMETRY_DISABLED: '1', ...env },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const dry = JSON.parse(out);
  return new Map(
    dry.tasks.filter((t) => t.task === 'test' && t.command !== '<NONEXISTENT>').map((t) => [t.package, t.hash]),
  );
}

const baseline = testHashes();
const changedSince = (after) => [...baseline].filter(([pkg, hash]) => after.get(pkg) !== hash).map(([pkg]) => pkg);

/** The packages whose tests would re-run after appending a comment to `file` (restored afterwards). */
function afterEditing(file) {
  const path = join(root, file);
  const original = readFileSync(path, 'utf8');
  const restore = () => writeFileSync(path, original);
  process.once('SIGINT', restore);
  try {
    writeFileSync(path, `${original}\n// test-cache-check\n`);
    return changedSince(testHashes());
  } finally {
    restore();
    process.removeListener('SIGINT', restore);
  }
}

const everything = [...baseline.keys()];
const contexts = ['identity', 'audit', 'workflows', 'executions', 'nas', 'catalog', 'knowledge'];
const tessera = (...names) => names.map((n) => `@tessera/${n}`);
const cases = [
  [
    'a source file of the leaf context catalog',
    () => afterEditing('packages/catalog/src/index.ts'),
    // The CLI's own tests migrate a catalog composition, so they depend on it too.
    tessera('catalog', 'cli', 'platform'),
  ],
  ['a test of catalog', () => afterEditing('packages/catalog/test/search.test.ts'), tessera('catalog')],
  ['a benchmark of catalog (not a test input)', () => afterEditing('packages/catalog/bench/search.bench.ts'), []],
  [
    'a migration of nas (catalog depends on nas)',
    () => afterEditing('packages/nas/src/migrations/Migration20261121102826_nas_add_listing_hash.ts'),
    tessera('nas', 'catalog', 'cli', 'platform'),
  ],
  [
    'the kernel',
    () => afterEditing('packages/kernel/src/index.ts'),
    // @tessera/testing (the harness a service uses) builds on the kernel, and its own tests compose a context.
    tessera('kernel', 'migrator', 'testing', ...contexts, 'cli', 'platform'),
  ],
  ['a test of @tessera/testing', () => afterEditing('tooling/testing/test/database.test.ts'), tessera('testing')],
  [
    // Every package's vitest imports them, the harness packages' own configs included; node-guard's does not.
    'the coverage settings (tooling/coverage-config)',
    () => afterEditing('tooling/coverage-config/index.js'),
    everything.filter((pkg) => pkg !== '@tessera/node-guard'),
  ],
  [
    'TEST_DATABASE_URL (another server)',
    () => changedSince(testHashes({ TEST_DATABASE_URL: 'postgresql://x@127.0.0.1:5432/postgres' })),
    everything,
  ],
  ['TESSERA_TEST_PG_VERSION=18', () => changedSince(testHashes({ TESSERA_TEST_PG_VERSION: '18' })), everything],
  ['TESSERA_TEST_SERVER=docker', () => changedSince(testHashes({ TESSERA_TEST_SERVER: 'docker' })), everything],
  ['nothing (a second run)', () => changedSince(testHashes()), []],
];

let failed = 0;
for (const [what, run, expected] of cases) {
  const got = run().sort();
  const want = [...expected].sort();
  const ok = JSON.stringify(got) === JSON.stringify(want);
  if (!ok) failed++;
  const shown = got.length === everything.length ? `all ${got.length}` : got.join(' ') || 'none';
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${what}: re-runs ${shown}${ok ? '' : ` (expected ${want.join(' ') || 'none'})`}`,
  );
}
if (failed > 0) {
  console.error(`test-cache-check: ${failed} case(s) failed`);
  process.exit(1);
}
console.log(`test-cache-check: per-package test caching holds (${everything.length} test tasks)`);
