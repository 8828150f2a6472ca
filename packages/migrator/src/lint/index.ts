export { BASELINE_FILE, type LintBaseline, notAccepted, readBaseline, writeBaseline } from './baseline.ts';
export { type EmittedMigration, MigrationEmitter } from './emit.ts';
export { type Acknowledgements, formatFinding, type LintFinding, type LintTarget, lintMigrations } from './lint.ts';
export { TESSERA_RULES } from './rules.ts';
export { SQUAWK_EXCLUDED, SquawkUnavailableError } from './squawk.ts';
