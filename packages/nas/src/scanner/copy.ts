import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** Escapes one value for COPY's text format; `null` becomes `\N`. */
export function copyValue(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** One COPY text-format line (tab-separated, newline-terminated). */
export function copyLine(values: readonly (string | number | null)[]): string {
  return `${values.map(copyValue).join('\t')}\n`;
}

/**
 * Streams text-format lines into `COPY <target> FROM STDIN` on this client. `midway`, when given, is awaited
 * after the first chunk is sent and before the COPY ends (a point a fault test can stop the process at).
 */
export async function copyInto(
  client: pg.ClientBase,
  target: string,
  lines: readonly string[],
  midway?: () => void | Promise<void>,
): Promise<void> {
  if (lines.length === 0) return;
  const stream = client.query(copyFrom(`COPY ${target} FROM STDIN`));
  // Chunks of a few hundred lines: fewer writes than one per line, no single giant string.
  const chunks = async function* () {
    for (let i = 0; i < lines.length; i += 512) {
      yield lines.slice(i, i + 512).join('');
      if (i === 0 && midway) await midway();
    }
  };
  await pipeline(Readable.from(chunks()), stream);
}
