import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { TesseraError } from '@tessera/kernel';

const run = promisify(execFile);

/**
 * squawk rules left out, and why: Tessera's entities use varchar(n) and int on purpose (prefer-text-field,
 * prefer-bigint-over-int/smallint), the ORM's generated auto-increment keys are serial (prefer-identity), and the
 * engine sets lock_timeout and statement_timeout for every run, so a
 * migration need not (require-lock-timeout, require-statement-timeout).
 */
export const SQUAWK_EXCLUDED = [
  'prefer-text-field',
  'prefer-bigint-over-int',
  'prefer-bigint-over-smallint',
  'prefer-identity',
  'require-lock-timeout',
  'require-statement-timeout',
] as const;

/** squawk could not be run (binary missing for this platform, or unreadable output). */
export class SquawkUnavailableError extends TesseraError {
  constructor(reason: string) {
    super('SQUAWK_UNAVAILABLE', `migration lint could not run squawk: ${reason}`);
  }
}

/** The SQL of one migration to hand to squawk: its statements in order. */
export interface SquawkInput {
  readonly name: string;
  readonly statements: readonly string[];
  readonly transactional: boolean;
}

/** One squawk finding, mapped back to its migration and 1-based statement number. */
export interface SquawkFinding {
  readonly migration: string;
  readonly statement: number;
  readonly rule: string;
  readonly message: string;
}

interface SquawkJson {
  file: string;
  line: number;
  rule_name: string;
  message: string;
  help: string | null;
}

function squawkBin(): string {
  const pkg = createRequire(import.meta.url).resolve('squawk-cli/package.json');
  return join(dirname(pkg), 'js', 'bin', 'squawk');
}

/**
 * Runs squawk over each migration's SQL (transactional ones with `--assume-in-transaction`). Each statement
 * starts on a line of its own, so squawk's line numbers map back to the statement.
 */
export async function runSquawk(inputs: readonly SquawkInput[]): Promise<SquawkFinding[]> {
  if (inputs.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), 'tessera-lint-'));
  try {
    const findings: SquawkFinding[] = [];
    for (const transactional of [true, false]) {
      const batch = inputs.filter((i) => i.transactional === transactional);
      if (batch.length === 0) continue;
      const starts = new Map<string, { name: string; lines: number[] }>();
      for (const input of batch) {
        const file = join(dir, `${input.name}.sql`);
        const lines: number[] = [];
        let line = 0;
        const text = input.statements
          .map((s) => {
            lines.push(line);
            const body = `${s.trim().replace(/;\s*$/, '')};\n`;
            line += body.split('\n').length - 1;
            return body;
          })
          .join('');
        writeFileSync(file, text);
        starts.set(file, { name: input.name, lines });
      }
      const args = ['--reporter', 'json', `--exclude=${SQUAWK_EXCLUDED.join(',')}`];
      if (transactional) args.push('--assume-in-transaction');
      let stdout: string;
      try {
        ({ stdout } = await run(squawkBin(), [...args, ...starts.keys()], { maxBuffer: 32 * 1024 * 1024 }));
      } catch (error) {
        // squawk exits 1 when it found something; its report is still on stdout.
        const out = (error as { stdout?: string }).stdout;
        if (typeof out !== 'string' || !out.trim().startsWith('[')) {
          throw new SquawkUnavailableError(error instanceof Error ? error.message : String(error));
        }
        stdout = out;
      }
      let report: SquawkJson[];
      try {
        report = JSON.parse(stdout || '[]') as SquawkJson[];
      } catch {
        throw new SquawkUnavailableError(`unreadable output: ${stdout.slice(0, 200)}`);
      }
      for (const f of report) {
        const source = starts.get(f.file);
        if (!source) continue;
        const index = source.lines.findLastIndex((start) => start <= f.line);
        findings.push({
          migration: source.name,
          statement: index + 1,
          rule: `squawk/${f.rule_name}`,
          message: f.help ? `${f.message} ${f.help}` : f.message,
        });
      }
    }
    return findings;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
