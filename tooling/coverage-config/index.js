/**
 * Line coverage of the package's own sources, only when TESSERA_COVERAGE=1 (`pnpm coverage`), so ordinary runs
 * stay fast. Each package runs its own vitest, so the threshold holds per package, every package; below it the run
 * fails.
 *
 * A module of its own that imports nothing: the shared vitest config (tooling/vitest) uses it, and so do the two
 * packages that config depends on and so cannot use (@tessera/test-server, @tessera/embedded-pg), as a dev
 * dependency that stays out of what they publish.
 */
export const coverage = {
  enabled: process.env.TESSERA_COVERAGE === '1',
  provider: 'v8',
  reporter: ['text-summary', 'json-summary'],
  include: ['src/**/*.ts'],
  // Migration bodies run once per template build, in whichever test process builds the shared template first
  // (often another package's, or an earlier run's on a long-lived server), so their coverage says nothing about
  // this package's tests. They are proven by migration:check, the schema conformance tests and the migrator's.
  // A context's seed module (its sample data for `tessera seed`) runs in the platform's seed tests, the only place
  // every context is composed, so it is proven there (apps/platform/test/seed.test.ts), not by the context's own.
  exclude: ['src/migrations/**', 'src/seed.ts'],
  // A `tessera` process a test starts (several at once, one killed mid-run, one with a given environment) runs the
  // package's sources too: Node writes its coverage (NODE_V8_COVERAGE, which the children inherit) and vitest merges
  // it into the report, so what only a child process runs is counted as well.
  autoAttachSubprocess: true,
  thresholds: { lines: 80 },
};
