import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { lintMigrations, notAccepted, readBaseline } from '@tessera/migrator';
import { describe, expect, it } from 'vitest';
import { platform } from '../src/composition.ts';

const packageDir = (context: string) => fileURLToPath(new URL(`../../../packages/${context}`, import.meta.url));

describe('migration lint over the platform', () => {
  it('passes every migration: accepted by its package baseline, or clean under lint', async () => {
    for (const ctx of platform.contexts) {
      const baseline = readBaseline(`${packageDir(ctx.name)}/src/migrations`);
      const linted = (await notAccepted(ctx.migrations, baseline)).map((entry) => ({ context: ctx.name, entry }));
      const findings = await lintMigrations(platform, linted);
      expect(
        findings.map((f) => `${f.migration} ${f.statement} ${f.rule}`),
        ctx.name,
      ).toEqual([]);
    }
  });

  it('would flag an existing migration if it were not in the baseline (the baseline is what accepts it)', async () => {
    const executions = platform.contexts.find((c) => c.name === 'executions');
    const entry = executions?.migrations[0];
    if (!entry) throw new Error('executions has no migration');
    const findings = await lintMigrations(platform, [{ context: 'executions', entry }]);
    expect(findings.map((f) => `${f.migration} ${f.statement} ${f.rule}`)).toContain(
      `${entry.name} 45 squawk/require-concurrent-index-creation`,
    );
  });

  it('`migration:check` of a context package lints its migrations and passes', () => {
    const bin = fileURLToPath(new URL('../../../packages/migrator/bin/tessera-migration.js', import.meta.url));
    const result = spawnSync(process.execPath, [bin, 'check'], { cwd: packageDir('catalog'), encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(
      /catalog: every entity change has a migration; \d+ migration\(s\) linted, 1 accepted/,
    );
    expect(result.status).toBe(0);
  });
});
