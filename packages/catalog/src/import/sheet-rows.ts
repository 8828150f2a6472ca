import { ValidationError } from '@tessera/kernel';
import { parse } from 'csv-parse/sync';

/**
 * Parsing a hand-clip sheet export into rows: pure (no database, no ORM). The CSV has a header row naming these
 * columns, in any order; a column left out reads as blank in every row.
 */
export const SHEET_COLUMNS = [
  'hand_number',
  'title',
  'start',
  'end',
  'notes',
  'board',
  'pot_size',
  'highlight_score',
  'video_file',
  'tags',
  'players',
] as const;

/** A column of the sheet, see {@link SHEET_COLUMNS}. */
export type SheetColumn = (typeof SHEET_COLUMNS)[number];

/** The `HandClip` field each column fills. */
export const COLUMN_FIELDS: Record<SheetColumn, string> = {
  hand_number: 'handNumber',
  title: 'title',
  start: 'startSeconds',
  end: 'endSeconds',
  notes: 'notes',
  board: 'board',
  pot_size: 'potSize',
  highlight_score: 'highlightScore',
  video_file: 'videoFile',
  tags: 'tags',
  players: 'players',
};

/**
 * A cell of the sheet that cannot be read: a ValidationError of the `HandClip` field the column fills, which
 * also names the sheet row (header = 1) and the column.
 */
export class SheetCellError extends ValidationError {
  readonly row: number;
  readonly column: SheetColumn;

  constructor(row: number, column: SheetColumn, problem: string) {
    super('HandClip', COLUMN_FIELDS[column], `row ${row}, column ${column}: ${problem}`);
    this.row = row;
    this.column = column;
  }
}

/** One data row of the sheet, parsed: blank cells are null, text is trimmed. */
export interface SheetClipRow {
  /** The row's number in the sheet (header = 1): with the sheet source, the clip's key. */
  readonly row: number;
  readonly handNumber: number | null;
  readonly title: string | null;
  readonly startSeconds: number | null;
  readonly endSeconds: number | null;
  readonly notes: string | null;
  readonly board: string | null;
  readonly potSize: number | null;
  readonly highlightScore: number | null;
  /** The path of a catalogued video file. */
  readonly videoFilePath: string | null;
  readonly tags: readonly { readonly category: string; readonly name: string }[];
  readonly players: readonly { readonly name: string; readonly isWinner: boolean }[];
}

const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? null : v.trim());

/** A number, thousands separators (`1,250,000`) allowed. */
export function numberCell(row: number, column: SheetColumn, raw: string | undefined): number | null {
  const v = blank(raw);
  if (v === null) return null;
  const n = Number(v.replace(/,/g, ''));
  if (!Number.isFinite(n)) throw new SheetCellError(row, column, `"${v}" is not a number`);
  return n;
}

/** Seconds from `1:02:03`, `02:03` or plain seconds. */
export function timecodeCell(row: number, column: SheetColumn, raw: string | undefined): number | null {
  const v = blank(raw);
  if (v === null) return null;
  const parts = v.split(':').map(Number);
  if (parts.length > 3 || parts.some((p) => !Number.isFinite(p) || p < 0)) {
    throw new SheetCellError(row, column, `"${v}" is not a timecode (h:mm:ss, mm:ss or seconds)`);
  }
  return parts.reduce((total, p) => total * 60 + p, 0);
}

/** A list cell: items separated by `;`, trimmed, blanks dropped. */
const listCell = (raw: string | undefined) =>
  (blank(raw) ?? '')
    .split(';')
    .map((item) => item.trim())
    .filter(Boolean);

/** Tags as `category:name; …` (the name may hold `:`). */
export function tagsCell(row: number, raw: string | undefined): SheetClipRow['tags'] {
  return listCell(raw).map((t) => {
    const [category, ...name] = t.split(':');
    if (!category?.trim() || name.length === 0 || !name.join(':').trim()) {
      throw new SheetCellError(row, 'tags', `"${t}" is not category:name`);
    }
    return { category: category.trim(), name: name.join(':').trim() };
  });
}

/** Players as `Name; *Winner`: a leading `*` marks who won the hand. */
export function playersCell(raw: string | undefined): SheetClipRow['players'] {
  return listCell(raw).map((p) => ({ name: p.replace(/^\*/, '').trim(), isWinner: p.startsWith('*') }));
}

/** One record of the CSV (cells by column name) as the sheet's row `row`. */
export function parseSheetRow(record: Partial<Record<string, string>>, row: number): SheetClipRow {
  return {
    row,
    handNumber: numberCell(row, 'hand_number', record.hand_number),
    title: blank(record.title),
    startSeconds: timecodeCell(row, 'start', record.start),
    endSeconds: timecodeCell(row, 'end', record.end),
    notes: blank(record.notes),
    board: blank(record.board),
    potSize: numberCell(row, 'pot_size', record.pot_size),
    highlightScore: numberCell(row, 'highlight_score', record.highlight_score),
    videoFilePath: blank(record.video_file),
    tags: tagsCell(row, record.tags),
    players: playersCell(record.players),
  };
}

/**
 * Every data row of a sheet export, parsed; empty lines are skipped. Throws the first bad cell as a
 * {@link SheetCellError}; a CSV that cannot be split into records throws csv-parse's own error. `check`, when
 * given, sees each row as soon as it is parsed, so a row it refuses stops the parse before any later row is read.
 */
export function parseHandClipSheet(csv: string, check?: (row: SheetClipRow) => void): SheetClipRow[] {
  const records = parse(csv, { columns: true, skip_empty_lines: true, trim: true, info: true }) as {
    record: Record<string, string>;
    info: { lines: number };
  }[];
  return records.map(({ record, info }) => {
    const row = parseSheetRow(record, info.lines);
    check?.(row);
    return row;
  });
}

/** The column a typed error about a row's value points at, when it names one: the cell's, or the field's. */
export function columnOf(error: { entity?: string; fields?: readonly string[] }): SheetColumn | undefined {
  if (error instanceof SheetCellError) return error.column;
  if (error.entity === 'Tag') return 'tags';
  if (error.entity === 'Player') return 'players';
  if (error.entity !== 'HandClip') return undefined;
  const field = error.fields?.[0];
  return SHEET_COLUMNS.find((column) => COLUMN_FIELDS[column] === field);
}
