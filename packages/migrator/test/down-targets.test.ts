import { describe, expect, it } from 'vitest';
import { downTargets } from '../src/engine.ts';
import { MigrationDefinitionError } from '../src/errors.ts';
import type { AppliedMigration } from '../src/journal.ts';

// Which applied migrations `down` reverts: decided from the journal alone, no database needed.

const applied: AppliedMigration[] = ['M1', 'M2', 'M3'].map((name, i) => ({
  id: i + 1,
  name,
  context: 'ctx',
  checksum: 'x',
  transactional: true,
  appliedAt: new Date(0),
  executionMs: 1,
  resolution: null,
}));
const names = (list: AppliedMigration[]) => list.map((a) => a.name);

describe('downTargets', () => {
  it('reverts the newest migration by default, and the last `steps` newest first', () => {
    expect(names(downTargets(applied, {}))).toEqual(['M3']);
    expect(names(downTargets(applied, { steps: 2 }))).toEqual(['M3', 'M2']);
    expect(names(downTargets(applied, { steps: 10 }))).toEqual(['M3', 'M2', 'M1']);
  });

  it('reverts every migration applied after `to`, and all of them for `to: "0"`', () => {
    expect(names(downTargets(applied, { to: 'M1' }))).toEqual(['M3', 'M2']);
    expect(names(downTargets(applied, { to: 'M3' }))).toEqual([]);
    expect(names(downTargets(applied, { to: '0' }))).toEqual(['M3', 'M2', 'M1']);
  });

  it('refuses a `to` that names no applied migration and steps that are not a positive whole number', () => {
    expect(() => downTargets(applied, { to: 'M9' })).toThrow(MigrationDefinitionError);
    expect(() => downTargets(applied, { to: 'M9' })).toThrow('down --to M9: no applied migration has that name');
    for (const steps of [0, -1, 1.5]) {
      expect(() => downTargets(applied, { steps }), String(steps)).toThrow(MigrationDefinitionError);
    }
  });
});
