import { renderTable } from '@tessera/cli';
import { formatBytes } from '../ops/backup.ts';
import { stats } from '../ops/stats.ts';
import type { Command } from './types.ts';

const day = (iso: string | null) => (iso ? iso.slice(0, 19).replace('T', ' ') : 'never');

/** `tessera stats`: rows, sizes, dead tuples and last vacuum/analyze, per table and per context. */
export const statsCommand: Command = {
  options: { json: { type: 'boolean' } },
  async run(ctx) {
    const report = await stats(ctx.url);
    if (ctx.values.json) {
      ctx.out(JSON.stringify(report, null, 2));
      return 0;
    }
    const tableRows = report.tables.map((t) => [
      `${t.context}.${t.table}`,
      t.rows,
      formatBytes(t.tableBytes),
      formatBytes(t.indexBytes),
      t.deadTuples,
      day(t.lastVacuum),
      day(t.lastAnalyze),
    ]);
    for (const line of renderTable(
      ['table', 'rows', 'table size', 'index size', 'dead', 'last vacuum', 'last analyze'],
      tableRows,
    ))
      ctx.out(line);
    ctx.out();
    const contextRows = report.contexts.map((c) => [
      c.context,
      c.tables,
      c.rows,
      formatBytes(c.tableBytes),
      formatBytes(c.indexBytes),
      c.deadTuples,
    ]);
    for (const line of renderTable(['context', 'tables', 'rows', 'table size', 'index size', 'dead'], contextRows))
      ctx.out(line);
    return 0;
  },
};
