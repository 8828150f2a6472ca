import type { Composition, ContextModule, MigrationEntry } from '@tessera/kernel';
import { dependencyClosure } from '../order.ts';
import { type EmittedMigration, MigrationEmitter } from './emit.ts';
import { checkStatement, foreignKeyTargets } from './rules.ts';
import { normalise, splitStatements } from './split.ts';
import { runSquawk } from './squawk.ts';

/** One lint problem: which migration, which statement (1-based, in `up()` order), which rule, and why. */
export interface LintFinding {
  readonly migration: string;
  readonly context: string;
  readonly statement: number;
  /** The statement's SQL. */
  readonly sql: string;
  /** `tessera/<rule>` or `squawk/<rule>`. */
  readonly rule: string;
  readonly message: string;
}

/** A migration to lint and the context it belongs to. */
export interface LintTarget {
  readonly context: string;
  readonly entry: MigrationEntry;
}

/**
 * A migration may acknowledge findings it means to have, one reason per rule:
 * `static readonly acknowledge = { 'tessera/destructive-change': 'notes moved to hand_clip_notes in …' }`.
 * An empty reason acknowledges nothing.
 */
export type Acknowledgements = Readonly<Record<string, string>>;

function acknowledgementsOf(entry: MigrationEntry): Acknowledgements {
  const value = (entry.class as { acknowledge?: unknown }).acknowledge;
  return typeof value === 'object' && value !== null ? (value as Acknowledgements) : {};
}

/** The schemas a context may reference by foreign key: its own and its dependencies', transitively. */
function allowedSchemas(ctx: ContextModule): Set<string> {
  return new Set([ctx.name, ...dependencyClosure(ctx)]);
}

/** `schema.table` → contexts whose migrations reference it by foreign key. */
function referencedBy(emitted: readonly { context: string; migration: EmittedMigration }[]) {
  const map = new Map<string, Set<string>>();
  for (const { context, migration } of emitted) {
    for (const statement of migration.statements.flatMap(splitStatements)) {
      for (const target of foreignKeyTargets(normalise(statement), context)) {
        const set = map.get(target) ?? new Set<string>();
        set.add(context);
        map.set(target, set);
      }
    }
  }
  return map;
}

/**
 * Lints `targets` with squawk and Tessera's own rules. `composition` supplies the context arrows and which
 * tables other contexts reference; `targets` may include migrations not (yet) in it, such as one just created.
 * Findings a migration acknowledges are left out.
 */
export async function lintMigrations(composition: Composition, targets: readonly LintTarget[]): Promise<LintFinding[]> {
  const emitter = new MigrationEmitter();
  try {
    const all = await Promise.all(
      composition.migrations.map(async (m) => ({ context: m.context, migration: await emitter.emit(m) })),
    );
    const references = referencedBy(all);
    const findings: LintFinding[] = [];
    const emittedTargets: { target: LintTarget; migration: EmittedMigration }[] = [];
    for (const target of targets) {
      const migration = await emitter.emit(target.entry);
      emittedTargets.push({ target, migration });
      const ctx = composition.contexts.find((c) => c.name === target.context);
      const allowed = ctx ? allowedSchemas(ctx) : new Set([target.context]);
      const earlier: string[] = [];
      for (const [i, addSql] of migration.statements.entries()) {
        for (const statement of splitStatements(addSql)) {
          const hits = checkStatement(statement, {
            context: target.context,
            allowedSchemas: allowed,
            referencedBy: references,
            transactional: migration.transactional,
            earlier,
          });
          for (const hit of hits) {
            findings.push({
              migration: migration.name,
              context: target.context,
              statement: i + 1,
              sql: statement,
              ...hit,
            });
          }
          earlier.push(normalise(statement));
        }
      }
    }
    const squawked = await runSquawk(emittedTargets.map((t) => t.migration));
    for (const f of squawked) {
      const hit = emittedTargets.find((t) => t.migration.name === f.migration);
      if (!hit) continue;
      findings.push({ ...f, context: hit.target.context, sql: hit.migration.statements[f.statement - 1] ?? '' });
    }
    return findings.filter((f) => {
      const entry = targets.find((t) => t.entry.name === f.migration)?.entry;
      const reason = entry ? acknowledgementsOf(entry)[f.rule] : undefined;
      return !(typeof reason === 'string' && reason.trim().length > 0);
    });
  } finally {
    await emitter.close();
  }
}

/** A finding as one readable block: where, which rule, why, and the statement. */
export function formatFinding(f: LintFinding): string {
  const sql = f.sql.replace(/\s+/g, ' ').trim();
  return `${f.migration} statement ${f.statement}: [${f.rule}] ${f.message}\n    ${sql.length > 300 ? `${sql.slice(0, 300)}…` : sql}`;
}
