import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MigrationEntry } from '@tessera/kernel';
import { MigrationDefinitionError } from '../errors.ts';
import { MigrationEmitter } from './emit.ts';

/** The file, next to a package's migrations, that lists the migrations accepted before lint existed. */
export const BASELINE_FILE = '.lint-baseline.json';

/** Accepted migration name → checksum of its `up` SQL when it was accepted. */
export type LintBaseline = Readonly<Record<string, string>>;

/** The baseline of the migrations directory `dir`; empty when there is none. */
export function readBaseline(dir: string): LintBaseline {
  const file = join(dir, BASELINE_FILE);
  if (!existsSync(file)) return {};
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { accepted?: unknown };
  if (typeof parsed.accepted !== 'object' || parsed.accepted === null) {
    throw new MigrationDefinitionError(`${file}: expected { "accepted": { "<migration>": "<checksum>" } }`);
  }
  return parsed.accepted as LintBaseline;
}

/** Records `entries` as accepted with their current checksums (adopting lint on existing migrations). */
export async function writeBaseline(dir: string, entries: readonly MigrationEntry[]): Promise<string[]> {
  const emitter = new MigrationEmitter();
  try {
    const accepted: Record<string, string> = {};
    for (const entry of [...entries].sort((a, b) => a.name.localeCompare(b.name))) {
      accepted[entry.name] = (await emitter.emit(entry)).checksum;
    }
    const body = {
      comment:
        'Migrations that existed before migration lint. They are not linted while their SQL keeps this checksum; ' +
        'an edited one is linted again. Do not add new migrations here: fix or acknowledge their findings.',
      accepted,
    };
    writeFileSync(join(dir, BASELINE_FILE), `${JSON.stringify(body, null, 2)}\n`);
    return Object.keys(accepted);
  } finally {
    await emitter.close();
  }
}

/** The entries a lint must look at: every one not in the baseline, or whose SQL changed since it was accepted. */
export async function notAccepted(
  entries: readonly MigrationEntry[],
  baseline: LintBaseline,
): Promise<MigrationEntry[]> {
  const emitter = new MigrationEmitter();
  try {
    const out: MigrationEntry[] = [];
    for (const entry of entries) {
      const accepted = baseline[entry.name];
      if (accepted === undefined || accepted !== (await emitter.emit(entry)).checksum) out.push(entry);
    }
    return out;
  } finally {
    await emitter.close();
  }
}
