import type pg from 'pg';

/**
 * One database object as the catalog describes it, by name and definition (never by OID), so two databases
 * built by the same migrations yield the same objects.
 */
export interface CatalogObject {
  /** What it is, as a person says it: `index`, `table`, `partition`, `grant`, `policy`, … */
  readonly kind: string;
  /** How it is named in messages; unique per kind (`catalog.ix_hand_clips_notes_gin`, `SELECT on a.b to r`). */
  readonly name: string;
  /** The definition compared between databases ('' when only presence matters). */
  readonly definition: string;
  /** The relation (`schema.relation`) or schema the object belongs to: it goes when that goes. */
  readonly parent: string;
}

/** A monthly partition created by partition maintenance: `<parent>_pYYYYMM` of a partitioned table. */
export const MAINTENANCE_PARTITION = (parent: string) =>
  new RegExp(`^${parent.replace(/[^a-z0-9_]/gi, '\\$&')}_p\\d{6}$`);

// Each branch yields (kind, name, definition, parent). Relations of maintenance partitions are excluded by
// the caller through `parent`. `$1` is the array of schemas to describe.
const SNAPSHOT = `
with ns as (select oid, nspname, nspowner, nspacl from pg_namespace where nspname = any($1::text[])),
rel as (
  select c.oid, ns.nspname, c.relname, c.relkind, c.relowner, c.relacl, c.relispartition, c.relrowsecurity,
         c.relforcerowsecurity, c.relpersistence, format('%I.%I', ns.nspname, c.relname) as qname
    from pg_class c join ns on ns.oid = c.relnamespace
   where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
),
priv as (
  select * from rel cross join lateral aclexplode(
    coalesce(rel.relacl, acldefault((case when rel.relkind = 'S' then 's' else 'r' end)::"char", rel.relowner))) a
   where a.grantee <> rel.relowner
)
select 'schema' as kind, nspname as name, '' as definition, nspname as parent from ns
union all
select case when r.relispartition then 'partition'
            when r.relkind in ('r', 'p') then 'table' when r.relkind = 'v' then 'view'
            when r.relkind = 'm' then 'materialized view' when r.relkind = 'S' then 'sequence' else 'foreign table' end,
       r.qname,
       case when r.relispartition then format('partition of %s %s', i.inhparent::regclass, pg_get_expr(c.relpartbound, c.oid))
            when r.relkind in ('v', 'm') then pg_get_viewdef(r.oid)
            else concat('persistence=', r.relpersistence, coalesce(' partition by ' || pg_get_partkeydef(r.oid), '')) end,
       r.qname
  from rel r join pg_class c on c.oid = r.oid left join pg_inherits i on i.inhrelid = r.oid and r.relispartition
union all
select 'row level security', 'on ' || qname, '', qname from rel where relrowsecurity
union all
select 'forced row level security', 'on ' || qname, '', qname from rel where relforcerowsecurity
union all
select 'column', format('%s.%I', r.qname, a.attname),
       concat(format_type(a.atttypid, a.atttypmod), case when a.attnotnull then ' not null' end,
              coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), ''),
              case when a.attidentity <> '' then ' identity ' || a.attidentity::text end,
              case when a.attgenerated <> '' then ' generated ' || a.attgenerated::text end),
       r.qname
  from rel r join pg_attribute a on a.attrelid = r.oid
  left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
 where a.attnum > 0 and not a.attisdropped and r.relkind in ('r', 'p', 'f') and not r.relispartition
union all
select 'constraint', format('%s.%I', r.qname, k.conname), pg_get_constraintdef(k.oid), r.qname
  from pg_constraint k join rel r on r.oid = k.conrelid
union all
select 'index', format('%I.%I', r.nspname, ic.relname), pg_get_indexdef(x.indexrelid), r.qname
  from pg_index x join pg_class ic on ic.oid = x.indexrelid join rel r on r.oid = x.indrelid
union all
select 'trigger', format('%s on %s', quote_ident(t.tgname), r.qname),
       concat(pg_get_triggerdef(t.oid), case when t.tgenabled = 'D' then ' (disabled)' end), r.qname
  from pg_trigger t join rel r on r.oid = t.tgrelid where not t.tgisinternal
union all
select 'policy', format('%s on %s', quote_ident(p.polname), r.qname),
       concat(case when p.polpermissive then 'permissive' else 'restrictive' end, ' for ', p.polcmd,
              ' to ', (select string_agg(case when o = 0 then 'public' else pg_get_userbyid(o) end, ',' order by 1)
                         from unnest(p.polroles) o),
              coalesce(' using ' || pg_get_expr(p.polqual, p.polrelid), ''),
              coalesce(' with check ' || pg_get_expr(p.polwithcheck, p.polrelid), '')),
       r.qname
  from pg_policy p join rel r on r.oid = p.polrelid
union all
select 'grant', format('%s on %s to %s', a.privilege_type, a.qname,
                       case when a.grantee = 0 then 'PUBLIC' else pg_get_userbyid(a.grantee) end),
       case when a.is_grantable then 'with grant option' else '' end, a.qname
  from priv a
union all
select 'grant', format('%s on schema %I to %s', a.privilege_type, ns.nspname,
                       case when a.grantee = 0 then 'PUBLIC' else pg_get_userbyid(a.grantee) end),
       case when a.is_grantable then 'with grant option' else '' end, ns.nspname
  from ns cross join lateral aclexplode(coalesce(ns.nspacl, acldefault('n'::"char", ns.nspowner))) a
 where a.grantee <> ns.nspowner
union all
select 'function', format('%I.%I(%s)', ns.nspname, p.proname, pg_get_function_identity_arguments(p.oid)),
       pg_get_functiondef(p.oid), ns.nspname
  from pg_proc p join ns on ns.oid = p.pronamespace where p.prokind in ('f', 'p')
union all
select 'grant', format('%s on function %I.%I(%s) to %s', a.privilege_type, ns.nspname, p.proname,
                       pg_get_function_identity_arguments(p.oid),
                       case when a.grantee = 0 then 'PUBLIC' else pg_get_userbyid(a.grantee) end),
       case when a.is_grantable then 'with grant option' else '' end, ns.nspname
  from pg_proc p join ns on ns.oid = p.pronamespace
  cross join lateral aclexplode(coalesce(p.proacl, acldefault('f'::"char", p.proowner))) a
 where p.prokind in ('f', 'p') and a.grantee <> p.proowner
union all
select 'type', format('%I.%I', ns.nspname, t.typname),
       concat(t.typtype, ' ', (select string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid),
              case when t.typtype = 'd' then format_type(t.typbasetype, t.typtypmod) end),
       ns.nspname
  from pg_type t join ns on ns.oid = t.typnamespace
 where t.typtype in ('e', 'd') or (t.typtype = 'c' and exists (select 1 from pg_class c where c.oid = t.typrelid and c.relkind = 'c'))
union all
select 'default privilege', format('%s on %s in schema %I for role %s to %s', a.privilege_type,
                                   case d.defaclobjtype when 'r' then 'tables' when 'S' then 'sequences' when 'f' then 'functions'
                                                        when 'T' then 'types' else 'schemas' end,
                                   ns.nspname, pg_get_userbyid(d.defaclrole),
                                   case when a.grantee = 0 then 'PUBLIC' else pg_get_userbyid(a.grantee) end),
       '', ns.nspname
  from pg_default_acl d join ns on ns.oid = d.defaclnamespace cross join lateral aclexplode(d.defaclacl) a
`;

/**
 * The objects of `schemas`, leaving out the monthly partitions partition maintenance creates ahead
 * (`<table>_pYYYYMM` of a partitioned table) and everything that belongs to them.
 */
export async function catalogSnapshot(client: pg.ClientBase, schemas: readonly string[]): Promise<CatalogObject[]> {
  const { rows: maintained } = await client.query<{ child: string }>(
    `select format('%I.%I', cn.nspname, c.relname) as child, p.relname as parent, c.relname
       from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
       join pg_namespace cn on cn.oid = c.relnamespace
      where p.relkind = 'p' and c.relkind in ('r', 'p') and cn.nspname = any($1::text[])`,
    [schemas],
  );
  const skip = new Set(
    (maintained as unknown as { child: string; parent: string; relname: string }[])
      .filter((m) => MAINTENANCE_PARTITION(m.parent).test(m.relname))
      .map((m) => m.child),
  );
  const { rows } = await client.query<CatalogObject>(SNAPSHOT, [schemas]);
  return rows.filter((o) => !skip.has(o.parent));
}
