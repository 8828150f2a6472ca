import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { logged, onConnection, type Submit } from './sql.ts';
import { translateDbError } from './translate.ts';

/**
 * The one COPY writer of the kernel: rows are encoded lazily in chunks of about {@link CHUNK_BYTES} and streamed
 * into `COPY … FROM STDIN` with backpressure (a chunk is encoded only when the socket has taken the previous one),
 * so memory stays bounded by a few chunks whatever the row count. One COPY is one statement: all rows or none.
 */

/** A value COPY can carry: `null`/`undefined` is NULL, a Date its ISO time, a boolean `t`/`f`, an object its JSON. */
export type CopyValue = string | number | bigint | boolean | Date | null | undefined | object;

/** Rows to copy, eagerly or lazily produced. */
export type CopySource<T> = Iterable<T> | AsyncIterable<T>;

/** Roughly how many bytes are encoded before they are handed to the socket. */
export const CHUNK_BYTES = 64 * 1024;

const SPECIAL = /[\\\t\n\r]/;

/** Escapes one value for COPY's text format. */
export function copyValue(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  else if (typeof value === 'boolean') return value ? 't' : 'f';
  else if (value instanceof Date) return value.toISOString();
  else text = JSON.stringify(value);
  return SPECIAL.test(text)
    ? text.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'))
    : text;
}

/** One COPY text-format line: tab-separated escaped values, newline-terminated. */
export function copyLine(values: readonly CopyValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i === 0 ? '' : '\t') + copyValue(values[i]);
  return `${line}\n`;
}

/** Encoded lines joined into chunks of about CHUNK_BYTES; counts what it encoded into `counter.rows`. */
async function* chunks<T>(source: CopySource<T>, encode: (row: T) => string, counter: { rows: number }) {
  let chunk = '';
  for await (const row of source as AsyncIterable<T>) {
    chunk += encode(row);
    counter.rows++;
    if (chunk.length >= CHUNK_BYTES) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** The COPY statement for `table (columns)` (all columns when none are named); names are the caller's constants. */
function copyStatement(table: string, columns: readonly string[]): string {
  return columns.length > 0 ? `copy ${table} (${columns.join(', ')}) from stdin` : `copy ${table} from stdin`;
}

/**
 * Streams `source` into `table (columns)` on a connection the caller holds (a pg client, e.g. during a scan that
 * uses session-local tables). Rows are value arrays, or already encoded lines (strings from {@link copyLine}).
 * Returns the number of rows sent.
 */
export async function copyOnClient(
  client: pg.ClientBase,
  table: string,
  columns: readonly string[],
  source: CopySource<readonly CopyValue[] | string>,
): Promise<number> {
  return copyOn((query) => Promise.resolve(client.query(query as pg.QueryConfig)), table, columns, source);
}

function encodeRow(row: readonly CopyValue[] | string): string {
  return typeof row === 'string' ? row : copyLine(row);
}

/** Streams `source` through `submit`'s connection (see {@link copyRows}); the rows sent. */
export async function copyOn(
  submit: Submit,
  table: string,
  columns: readonly string[],
  source: CopySource<readonly CopyValue[] | string>,
): Promise<number> {
  const stream = copyFrom(copyStatement(table, columns));
  const counter = { rows: 0 };
  await submit(stream);
  await pipeline(Readable.from(chunks(source, encodeRow, counter), { objectMode: false }), stream);
  return counter.rows;
}

/**
 * COPYs `source` into `table (columns)` through the EntityManager: inside its current transaction when there is
 * one, else on one pooled connection. Constraint errors come back typed, like every kernel write.
 */
export async function copyRows(
  em: EntityManager,
  table: string,
  columns: readonly string[],
  source: CopySource<readonly CopyValue[] | string>,
): Promise<number> {
  const started = Date.now();
  const text = copyStatement(table, columns);
  try {
    const rows = await onConnection(em, (submit) => copyOn(submit, table, columns, source));
    logged(em, text, started, false);
    return rows;
  } catch (error) {
    logged(em, text, started, true);
    throw translateDbError(error, em.getMetadata(), { table });
  }
}
