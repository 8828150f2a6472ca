import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { findTools } from '../src/ops/pgtools.ts';

const run = promisify(execFile);

type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

// Every object a migration can create, described by name and definition (never by OID), one line each.
// The journal schema is left out: it is the migration engine's, not the migrations'.
const CATALOG = `
with ns as (select oid, nspname from pg_namespace
             where nspname not like 'pg\\_%' and nspname not in ('information_schema', 'tessera'))
select 'schema ' || nspname as line from ns
union all
select format('relation %s.%s kind=%s rls=%s/%s persistence=%s partition=%s',
              ns.nspname, c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity, c.relpersistence,
              coalesce(pg_get_expr(c.relpartbound, c.oid), '-') || coalesce(' by ' || pg_get_partkeydef(c.oid), ''))
  from pg_class c join ns on ns.oid = c.relnamespace where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
union all
select format('column %s.%s.%s %s notnull=%s default=%s identity=%s generated=%s collation=%s', ns.nspname, c.relname,
              a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
              coalesce(pg_get_expr(d.adbin, d.adrelid), '-'), a.attidentity, a.attgenerated, coalesce(co.collname, '-'))
  from pg_attribute a join pg_class c on c.oid = a.attrelid join ns on ns.oid = c.relnamespace
  left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
  left join pg_collation co on co.oid = a.attcollation and a.attcollation <> 100
 where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'v', 'm', 'f')
union all
select format('constraint %s.%s.%s %s', ns.nspname, c.relname, k.conname, pg_get_constraintdef(k.oid))
  from pg_constraint k join pg_class c on c.oid = k.conrelid join ns on ns.oid = c.relnamespace
union all
select format('index %s', pg_get_indexdef(i.indexrelid))
  from pg_index i join pg_class c on c.oid = i.indexrelid join ns on ns.oid = c.relnamespace
union all
select format('trigger %s', pg_get_triggerdef(t.oid))
  from pg_trigger t join pg_class c on c.oid = t.tgrelid join ns on ns.oid = c.relnamespace where not t.tgisinternal
union all
select format('routine %s', pg_get_functiondef(p.oid))
  from pg_proc p join ns on ns.oid = p.pronamespace where p.prokind in ('f', 'p')
union all
select format('type %s.%s %s %s', ns.nspname, t.typname, t.typtype,
              coalesce((select string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid), ''))
  from pg_type t join ns on ns.oid = t.typnamespace
 where t.typtype in ('e', 'd', 'c') and not exists (select 1 from pg_class c where c.reltype = t.oid and c.relkind <> 'c')
union all
select format('view %s.%s %s', ns.nspname, c.relname, pg_get_viewdef(c.oid))
  from pg_class c join ns on ns.oid = c.relnamespace where c.relkind in ('v', 'm')
union all
select format('policy %s.%s.%s %s %s roles=%s using=%s check=%s', p.schemaname, p.tablename, p.policyname,
              p.permissive, p.cmd, p.roles::text, coalesce(p.qual, '-'), coalesce(p.with_check, '-'))
  from pg_policies p where p.schemaname in (select nspname from ns)
union all
select format('sequence %s.%s %s', s.schemaname, s.sequencename, s.data_type)
  from pg_sequences s where s.schemaname in (select nspname from ns)
union all
select format('comment %s %s', c.relname, d.description)
  from pg_description d join pg_class c on c.oid = d.objoid join ns on ns.oid = c.relnamespace
order by 1`;

/** The schema as the catalog describes it: one sorted line per object, comparable across servers and OIDs. */
export async function catalogSchema(query: Query): Promise<string[]> {
  return (await query(CATALOG)).map((r) => r.line as string);
}

/**
 * `pg_dump --schema-only` of the database, without the journal schema, when this machine has a pg_dump at
 * least as new as the server (pg_dump refuses newer servers; the embedded PostgreSQL 16 ships none). Returns
 * null when there is none, so callers fall back on {@link catalogSchema} alone.
 */
export async function dumpSchema(url: string, query: Query): Promise<string | null> {
  const [row] = await query(`select current_setting('server_version_num')::int / 10000 as major`);
  const major = Number(row?.major);
  const tool = (await findTools('pg_dump')).find((t) => t.major >= major);
  if (!tool) return null;
  const { stdout } = await run(
    tool.path,
    ['--schema-only', '--no-owner', '--exclude-schema=tessera', '--dbname', url],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  // pg_dump 15.14+ fences the script with a random \restrict key (a psql safeguard): not part of the schema.
  return stdout.replace(/^\\(un)?restrict .*$/gm, '');
}
