import { execFileSync } from 'node:child_process';
import { checkDrift } from '@tessera/migrator';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { executions } from '../src/index.ts';

const db = useTestDatabase(executions);

describe('the executions migrations', () => {
  it('leave no drift between the entities and a freshly migrated database', async () => {
    expect((await checkDrift(db.composition, db.url)).statements).toEqual([]);
  });

  it('record every entity change (migration:check passes)', () => {
    expect(() =>
      execFileSync('pnpm', ['run', '--silent', 'migration:check'], { cwd: `${import.meta.dirname}/..` }),
    ).not.toThrow();
  });
});
