import { type ScanProgress, type ScanStage, scanDirectory } from '@tessera/nas';
import pg from 'pg';
import { assertOwnSession, sessionUrl } from '../ops/session.ts';
import { type Command, type CommandContext, UsageError } from './types.ts';

function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** Prints progress at most once a second while walking, and at every phase change. */
function progressPrinter(out: CommandContext['out']) {
  let last = 0;
  let phase = '';
  return (p: ScanProgress) => {
    const now = Date.now();
    if (p.phase === phase && now - last < 1000) return;
    if (p.phase === 'done') return;
    last = now;
    phase = p.phase;
    if (p.phase === 'walking') {
      out(
        `  ${p.files.toLocaleString('en')} files, ${p.folders.toLocaleString('en')} folders, ${formatBytes(p.bytes)}`,
      );
    } else {
      out(p.phase === 'sweeping' ? '  marking vanished files…' : '  rolling up folder counts and sizes…');
    }
  };
}

/**
 * `TESSERA_SCAN_PAUSE_AT=<stage>`: a fault-injection hook for crash tests. At that stage the scan prints
 * `scan paused at <stage> (pid N)` and stops there for good, so a test can kill it exactly at that point.
 */
function pauseAt(out: CommandContext['out']): ((stage: ScanStage) => Promise<void>) | undefined {
  const wanted = process.env.TESSERA_SCAN_PAUSE_AT;
  if (!wanted) return undefined;
  return async (stage) => {
    if (stage !== wanted) return;
    out(`scan paused at ${stage} (pid ${process.pid})`);
    await new Promise(() => {});
  };
}

/** `tessera nas scan <dir>`: scans a directory tree into the NAS inventory, with progress. */
export const nasCommand: Command = {
  options: { 'batch-size': { type: 'string' }, full: { type: 'boolean' } },
  async run(ctx) {
    const [sub, dir, ...rest] = ctx.positionals;
    if (sub !== 'scan' || dir === undefined || rest.length > 0) throw new UsageError('usage: tessera nas scan DIR');
    const rawBatch = ctx.values['batch-size'];
    const batchSize = rawBatch === undefined ? undefined : Number(rawBatch);
    if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1)) {
      throw new UsageError('--batch-size must be a positive whole number');
    }
    const url = sessionUrl(ctx.url, ctx.env);
    await assertOwnSession(url, 'tessera nas scan');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const onStage = pauseAt(ctx.out);
    try {
      ctx.out(`Scanning ${dir}…`);
      const started = performance.now();
      const result = await scanDirectory(client, dir, {
        ...(batchSize ? { batchSize } : {}),
        full: ctx.values.full === true,
        onProgress: progressPrinter(ctx.out),
        onProblem: (path, message) => ctx.err(`  skipped ${path}: ${message}`),
        ...(onStage ? { onStage } : {}),
      });
      const seconds = (performance.now() - started) / 1000;
      ctx.out(
        `Scanned ${result.root}: ${result.files.toLocaleString('en')} files in ${result.folders.toLocaleString('en')} folders, ` +
          `${formatBytes(result.bytes)}, in ${seconds.toFixed(1)}s`,
      );
      ctx.out(
        `  ${result.inserted} new, ${result.updated} changed, ${result.vanishedFiles} vanished files ` +
          `(${result.vanishedFolders} vanished folders) marked missing${result.problems ? `, ${result.problems} unreadable` : ''}`,
      );
      if (result.skipped > 0) {
        ctx.out(`  ${result.skipped} symbolic links, FIFOs, sockets or devices not followed and not recorded`);
      }
      return result.problems > 0 ? 1 : 0;
    } finally {
      await client.end();
    }
  },
};
