import { recordOpsEventsInAudit } from '../ops/audit-sink.ts';
import { backup, formatBytes } from '../ops/backup.ts';
import { sessionUrl } from '../ops/session.ts';
import type { Command } from './types.ts';

/** `tessera backup`: pg_dump in the custom format, with a manifest of row counts and checksums. */
export const backupCommand: Command = {
  options: { context: { type: 'string' }, file: { type: 'string' } },
  async run(ctx) {
    recordOpsEventsInAudit();
    const context = typeof ctx.values.context === 'string' ? ctx.values.context : undefined;
    const file = typeof ctx.values.file === 'string' ? ctx.values.file : undefined;
    ctx.out(`Backing up ${context ? `context "${context}"` : 'the whole database'}…`);
    const result = await backup(sessionUrl(ctx.url, ctx.env), {
      ...(context ? { context } : {}),
      ...(file ? { file } : {}),
      onProgress: (p) => ctx.out(`[${p.done}/${p.total}] ${p.table}`),
    });
    ctx.out(
      `Backup written to ${result.file}: ${formatBytes(result.bytes)}, ${result.tables} table(s), ` +
        `${result.rows} row(s), in ${(result.ms / 1000).toFixed(1)} s`,
    );
    ctx.out(`Manifest (row counts and checksums): ${result.manifestFile}`);
    return 0;
  },
};
