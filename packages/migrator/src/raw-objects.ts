import type { Composition, RawObjectKind } from '@tessera/kernel';

/** How the schema generator names each kind of relation in its statements. */
const STATEMENT_KIND: Partial<Record<RawObjectKind, string>> = {
  table: 'table',
  partition: 'table',
  index: 'index',
  view: 'view',
  'materialized view': 'materialized view',
  sequence: 'sequence',
  column: 'column',
  function: 'function',
  trigger: 'trigger',
};

// `drop index "s"."n"`, `drop materialized view if exists "s"."n" cascade`, `alter table "s"."n" …`, `create …`.
const TARGET =
  /^(?:create|alter|drop)\s+(?:unique\s+)?(table|index|view|materialized view|sequence|function)\s+(?:if\s+(?:not\s+)?exists\s+)?"((?:[^"]|"")+)"\."((?:[^"]|"")+)"/i;

// `alter table "s"."t" add|drop|alter [column] [if exists] "c" …`: one column of a table.
const COLUMN =
  /^alter\s+table\s+(?:if\s+exists\s+)?"((?:[^"]|"")+)"\."((?:[^"]|"")+)"\s+(?:add|drop|alter)\s+(?:column\s+)?(?:if\s+(?:not\s+)?exists\s+)?"((?:[^"]|"")+)"/i;

// `drop trigger if exists "t" on "s"."table"`: a trigger, named in its table's schema.
const TRIGGER =
  /^(?:create|drop)\s+trigger\s+(?:if\s+exists\s+)?"((?:[^"]|"")+)"\s+on\s+"((?:[^"]|"")+)"\."(?:[^"]|"")+"/i;

/** The object a generated statement creates, alters or drops, as `kind schema.name`, or undefined. */
export function statementTarget(statement: string): string | undefined {
  const unquote = (s: string) => s.replaceAll('""', '"');
  const trigger = TRIGGER.exec(statement.trim());
  if (trigger) return `trigger ${unquote(trigger[2] as string)}.${unquote(trigger[1] as string)}`;
  const m = TARGET.exec(statement.trim());
  if (!m) return undefined;
  return `${(m[1] as string).toLowerCase()} ${unquote(m[2] as string)}.${unquote(m[3] as string)}`;
}

/** The `kind schema.name` keys of every raw object the composed contexts declare, as statements name them. */
export function rawObjectKeys(composition: Composition): Set<string> {
  const keys = new Set<string>();
  for (const ctx of composition.contexts) {
    for (const o of ctx.rawObjects) {
      const kind = STATEMENT_KIND[o.kind];
      if (kind) keys.add(`${kind} ${ctx.name}.${o.name}`);
    }
  }
  return keys;
}

/** The column a generated `alter table` statement adds, drops or alters, as `column schema.table.column`. */
export function statementColumn(statement: string): string | undefined {
  const m = COLUMN.exec(statement.trim());
  if (!m) return undefined;
  const unquote = (s: string) => s.replaceAll('""', '"');
  return `column ${unquote(m[1] as string)}.${unquote(m[2] as string)}.${unquote(m[3] as string)}`;
}

/** Whether a generated statement creates, alters or drops exactly one of the declared raw objects (or columns). */
export function touchesRawObject(statement: string, keys: ReadonlySet<string>): boolean {
  const target = statementTarget(statement);
  if (target !== undefined && keys.has(target)) return true;
  const column = statementColumn(statement);
  return column !== undefined && keys.has(column);
}
