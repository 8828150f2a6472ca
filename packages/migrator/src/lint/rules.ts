import { normalise } from './split.ts';

/** Names of the rules only Tessera can check (squawk's rules are reported as `squawk/<rule>`). */
export const TESSERA_RULES = {
  fkAgainstArrows: 'tessera/fk-against-context-arrows',
  concurrentlyInTransaction: 'tessera/concurrently-in-transaction',
  lockHeavyOnReferencedTable: 'tessera/lock-heavy-on-referenced-table',
  destructiveChange: 'tessera/destructive-change',
} as const;

/** One problem a rule found in one statement. */
export interface RuleHit {
  readonly rule: string;
  readonly message: string;
}

/** What the Tessera rules need to know about the statement's migration and the composition around it. */
export interface RuleContext {
  /** The context (= schema) the migration belongs to. */
  readonly context: string;
  /** The schemas the context may reference: itself and its dependencies, transitively. */
  readonly allowedSchemas: ReadonlySet<string>;
  /** `schema.table` → the other contexts whose migrations reference it by foreign key. */
  readonly referencedBy: ReadonlyMap<string, ReadonlySet<string>>;
  readonly transactional: boolean;
  /** Earlier statements of the same migration, normalised (for "validated in this migration" checks). */
  readonly earlier: readonly string[];
}

const IDENT = '([a-z_][a-z0-9_$]*)';
const QUALIFIED = `(?:${IDENT}\\.)?${IDENT}`;
const REFERENCES = new RegExp(`\\breferences ${QUALIFIED}`, 'g');
const ALTER_TABLE = new RegExp(`^alter table (?:if exists )?(?:only )?${QUALIFIED} (.*)$`);
const CREATE_INDEX = new RegExp(
  `^create (?:unique )?index (?!concurrently)(?:if not exists )?(?:${IDENT} )?on (?:only )?${QUALIFIED}`,
);
const DROP_TABLE = /^drop table (?:if exists )?(.+?)(?: cascade| restrict)?$/;
const VOLATILE = /\b(gen_random_uuid|uuid_generate_v\d|random|clock_timestamp|timeofday|nextval)\s*\(/;

/** `schema.table` of a possibly unqualified name, in the migration's own schema by default. */
function qualify(schema: string | undefined, table: string | undefined, own: string): string {
  return `${schema ?? own}.${table ?? ''}`;
}

/** Schemas referenced by foreign keys in a normalised statement, with the table. */
export function foreignKeyTargets(statement: string, own: string): string[] {
  return [...statement.matchAll(REFERENCES)].map((m) => qualify(m[1], m[2], own));
}

/** The lock-heavy or rewriting operations an `ALTER TABLE` body performs, described for a person. */
function heavyOperations(body: string, table: string, earlier: readonly string[]): string[] {
  const found: string[] = [];
  if (/\balter (?:column )?[a-z0-9_$]+ (?:set data )?type\b/.test(body)) {
    found.push('changes a column type, which rewrites the table under an ACCESS EXCLUSIVE lock');
  }
  for (const add of body.matchAll(
    /\badd (?:column )?(?:if not exists )?(?!constraint\b|primary\b|unique\b|foreign\b|check\b)([a-z0-9_$]+) ([^,]*)/g,
  )) {
    const definition = add[2] ?? '';
    if (
      VOLATILE.test(definition) ||
      /\b(?:small|big)?serial\b/.test(definition) ||
      /\bgenerated always as \(/.test(definition)
    ) {
      found.push(`adds column ${add[1]} with a volatile default or a stored generated value, which rewrites the table`);
    }
  }
  if (/\balter (?:column )?[a-z0-9_$]+ set not null\b/.test(body)) {
    const [schema, name] = table.split('.');
    const validated = earlier.some(
      (e) =>
        e.startsWith('alter table') &&
        e.includes(`${name}`) &&
        e.includes(`${schema}`) &&
        / validate constraint /.test(e),
    );
    if (!validated) {
      found.push(
        'sets NOT NULL, which scans the whole table under an ACCESS EXCLUSIVE lock (add CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, then SET NOT NULL)',
      );
    }
  }
  if (/\badd (?:constraint [a-z0-9_$]+ )?(?:foreign key|check)\b/.test(body) && !/\bnot valid\b/.test(body)) {
    found.push('adds a constraint that checks every row under lock (add it NOT VALID, then VALIDATE CONSTRAINT)');
  }
  if (/\badd (?:constraint [a-z0-9_$]+ )?(?:primary key|unique)\b/.test(body) && !/\busing index\b/.test(body)) {
    found.push(
      'builds a unique index under lock (CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … USING INDEX)',
    );
  }
  if (/\bset (?:logged|unlogged|tablespace)\b/.test(body)) {
    found.push('rewrites the table (SET LOGGED/UNLOGGED/TABLESPACE)');
  }
  return found;
}

/** Whether the migration created `table` itself before this statement (it is new and empty, nobody waits on it). */
function createdEarlier(table: string, ctx: RuleContext): boolean {
  const [schema, name] = table.split('.') as [string, string];
  const names = schema === ctx.context ? [table, name] : [table];
  return ctx.earlier.some((e) => {
    const m = new RegExp(`^create (?:unlogged )?(?:table|materialized view) (?:if not exists )?${QUALIFIED}`).exec(e);
    return m !== null && names.includes(m[1] ? `${m[1]}.${m[2]}` : (m[2] as string));
  });
}

/** Runs every Tessera rule over one statement (already split from its `addSql`). */
export function checkStatement(sql: string, ctx: RuleContext): RuleHit[] {
  const s = normalise(sql);
  const hits: RuleHit[] = [];

  for (const target of foreignKeyTargets(s, ctx.context)) {
    const schema = target.split('.')[0] as string;
    if (!ctx.allowedSchemas.has(schema)) {
      hits.push({
        rule: TESSERA_RULES.fkAgainstArrows,
        message: `foreign key to ${target}, but context "${ctx.context}" does not depend on "${schema}" (declare the dependency, or reverse the reference)`,
      });
    }
  }

  if (ctx.transactional && /\bconcurrently\b/.test(s) && !s.startsWith('refresh materialized view')) {
    hits.push({
      rule: TESSERA_RULES.concurrentlyInTransaction,
      message:
        'CONCURRENTLY cannot run inside a transaction block: put it in its own migration with isTransactional() returning false',
    });
  }

  const alter = ALTER_TABLE.exec(s);
  const index = CREATE_INDEX.exec(s);
  const table = alter
    ? qualify(alter[1], alter[2], ctx.context)
    : index
      ? qualify(index[2], index[3], ctx.context)
      : undefined;
  const referrers = table ? [...(ctx.referencedBy.get(table) ?? [])].filter((c) => c !== ctx.context) : [];
  if (table && referrers.length > 0 && !createdEarlier(table, ctx)) {
    const operations = alter
      ? heavyOperations(alter[3] ?? '', table, ctx.earlier)
      : ['builds an index without CONCURRENTLY, blocking writes'];
    for (const op of operations) {
      hits.push({
        rule: TESSERA_RULES.lockHeavyOnReferencedTable,
        message: `${op}, on ${table}, which context(s) ${referrers.sort().join(', ')} reference: their writes wait too`,
      });
    }
  }

  const dropped = DROP_TABLE.exec(s);
  if (dropped) {
    hits.push({ rule: TESSERA_RULES.destructiveChange, message: `drops table ${dropped[1]}: its data is lost` });
  }
  if (alter) {
    for (const col of (alter[3] ?? '').matchAll(
      /\bdrop (?:column )?(?:if exists )?(?!constraint\b|default\b|not null\b|identity\b|expression\b)([a-z0-9_$]+)/g,
    )) {
      hits.push({
        rule: TESSERA_RULES.destructiveChange,
        message: `drops column ${table}.${col[1]}: its data is lost`,
      });
    }
  }
  if (/^drop schema\b/.test(s) || /^truncate\b/.test(s)) {
    hits.push({ rule: TESSERA_RULES.destructiveChange, message: `${s.split(' ').slice(0, 2).join(' ')} deletes data` });
  }
  return hits;
}
