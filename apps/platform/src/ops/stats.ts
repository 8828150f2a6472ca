import pg from 'pg';
import { platform } from '../composition.ts';

/** Size and maintenance figures of one table (a partitioned table sums its partitions). */
export interface TableStats {
  readonly context: string;
  readonly table: string;
  /** Exact `count(*)`. */
  readonly rows: number;
  readonly tableBytes: number;
  readonly indexBytes: number;
  readonly deadTuples: number;
  readonly lastVacuum: string | null;
  readonly lastAnalyze: string | null;
}

/** The figures of one context (its schema), summed over its tables. */
export interface ContextStats {
  readonly context: string;
  readonly tables: number;
  readonly rows: number;
  readonly tableBytes: number;
  readonly indexBytes: number;
  readonly deadTuples: number;
}

/** What `tessera stats` reports. */
export interface StatsReport {
  readonly tables: readonly TableStats[];
  readonly contexts: readonly ContextStats[];
}

/**
 * Per table and per context: rows, table and index sizes, dead tuples, and the last vacuum and analyze (manual or
 * automatic, whichever is later). Partitions are folded into their partitioned table. Covers the composed
 * contexts' schemas and the migration journal's.
 */
export async function stats(
  url: string,
  schemas: readonly string[] = [...platform.schemas, 'tessera'],
): Promise<StatsReport> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    const { rows } = await client.query<{
      schema: string;
      table: string;
      table_bytes: string;
      index_bytes: string;
      dead: string;
      last_vacuum: Date | null;
      last_analyze: Date | null;
    }>(
      `with leaf as (
         select c.oid, n.nspname as schema,
                coalesce((select p.relname from pg_inherits i join pg_class p on p.oid = i.inhparent
                           where i.inhrelid = c.oid), c.relname) as "table"
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relkind = 'r' and n.nspname = any($1)
       )
       select l.schema, l."table",
              sum(pg_table_size(l.oid))::text as table_bytes,
              sum(pg_indexes_size(l.oid))::text as index_bytes,
              sum(coalesce(s.n_dead_tup, 0))::text as dead,
              max(greatest(s.last_vacuum, s.last_autovacuum)) as last_vacuum,
              max(greatest(s.last_analyze, s.last_autoanalyze)) as last_analyze
         from leaf l left join pg_stat_user_tables s on s.relid = l.oid
        group by l.schema, l."table"
        order by l.schema, l."table"`,
      [schemas],
    );
    const tables: TableStats[] = [];
    for (const r of rows) {
      const name = `${client.escapeIdentifier(r.schema)}.${client.escapeIdentifier(r.table)}`;
      const count = await client.query<{ n: string }>(`select count(*)::text as n from ${name}`);
      tables.push({
        context: r.schema,
        table: r.table,
        rows: Number(count.rows[0]?.n ?? 0),
        tableBytes: Number(r.table_bytes),
        indexBytes: Number(r.index_bytes),
        deadTuples: Number(r.dead),
        lastVacuum: r.last_vacuum?.toISOString() ?? null,
        lastAnalyze: r.last_analyze?.toISOString() ?? null,
      });
    }
    const contexts = schemas
      .map((context) => {
        const own = tables.filter((t) => t.context === context);
        const sum = (f: (t: TableStats) => number) => own.reduce((a, t) => a + f(t), 0);
        return {
          context,
          tables: own.length,
          rows: sum((t) => t.rows),
          tableBytes: sum((t) => t.tableBytes),
          indexBytes: sum((t) => t.indexBytes),
          deadTuples: sum((t) => t.deadTuples),
        };
      })
      .filter((c) => c.tables > 0);
    return { tables, contexts };
  } finally {
    await client.end().catch(() => {});
  }
}
