import type { EntityManager } from '@mikro-orm/postgresql';
import { type EntityFieldError, TesseraError, ValidationError, validateEntity } from '@tessera/kernel';
import { HandClip } from '../entities/hand-clip.entity.ts';
import { Player } from '../entities/player.entity.ts';
import { Tag } from '../entities/tag.entity.ts';
import { columnOf, parseHandClipSheet, type SheetClipRow, type SheetColumn } from './sheet-rows.ts';
import { recordSync, type SheetImportResult, writeSheetRows } from './sheet-writes.ts';

export type { SheetImportResult } from './sheet-writes.ts';

/**
 * A sheet import that stopped: the row (as numbered in the sheet, header = 1), its column, the entity and field
 * of the bad value (from the typed cause), and the cause itself.
 */
export class SheetImportError extends TesseraError {
  readonly sheetSource: string;
  readonly row: number | undefined;
  /** The sheet column of the bad value, e.g. `hand_number`, when the cause names one. */
  readonly column: SheetColumn | undefined;
  /** The entity of the bad value (`HandClip`, `Tag`, `Player`), when the cause names one. */
  readonly entity: string | undefined;
  /** The field of the bad value, e.g. `handNumber`, when the cause names one. */
  readonly field: string | undefined;

  constructor(sheetSource: string, row: number | undefined, cause: Error) {
    super('SHEET_IMPORT_FAILED', `${sheetSource}${row ? ` row ${row}` : ''}: ${cause.message}`, { cause });
    this.sheetSource = sheetSource;
    this.row = row;
    this.entity = (cause as Partial<EntityFieldError>).entity;
    this.field = (cause as Partial<EntityFieldError>).fields?.[0];
    this.column = columnOf(cause as Partial<EntityFieldError>);
  }
}

/**
 * Imports hand clips from a sheet export (CSV with a header row: hand_number, title, start, end, notes, board,
 * pot_size, highlight_score, video_file, tags, players), upserting by (sheet source, sheet row number), and
 * records the sync state in `google_sheet_sync`. Every row is validated first; any bad row stops the import
 * with a SheetImportError naming the row, column and field, nothing is written, and the sync state says
 * `failed`. Tags (`category:name; …`) and players (`Name; *Winner`) are created when new; a clip's tags and
 * players become exactly those of its row. `video_file` is the path of a catalogued video file.
 */
export async function importHandClipsCsv(
  em: EntityManager,
  sheetSource: string,
  csv: string,
): Promise<SheetImportResult> {
  if (typeof sheetSource !== 'string' || sheetSource.trim() === '' || sheetSource.length > 200) {
    throw new ValidationError('GoogleSheetSync', 'sheetSource', 'must be 1 to 200 characters');
  }
  await recordSync(em, sheetSource, 'running', null, null);
  // The row being validated, to name it when the entity rules refuse one of its values.
  let rowInProgress: number | undefined;
  try {
    const validate = entityRules(em, sheetSource);
    const rows = parseHandClipSheet(csv, (row) => {
      rowInProgress = row.row;
      validate(row);
    });
    rowInProgress = undefined;
    const result = await em.transactional((tx) => writeSheetRows(tx, sheetSource, rows));
    await recordSync(em, sheetSource, 'succeeded', rows.length, null);
    return result;
  } catch (error) {
    const cause = error instanceof Error ? error : new Error(String(error));
    const row = (error as { row?: number }).row ?? rowInProgress;
    await recordSync(em, sheetSource, 'failed', null, cause.message);
    throw new SheetImportError(sheetSource, row, cause);
  }
}

/** Checks a parsed row against the rules of every entity it writes: the clip, and the tags and players it names. */
function entityRules(em: EntityManager, sheetSource: string): (row: SheetClipRow) => void {
  const clipMeta = em.getMetadata(HandClip);
  const tagMeta = em.getMetadata(Tag);
  const playerMeta = em.getMetadata(Player);
  return (row) => {
    validateEntity(clipMeta, { ...row, sheetSource, sheetRowNumber: row.row });
    // Tags and players are created from the cells too: the same rules as any other write of them.
    for (const tag of row.tags) validateEntity(tagMeta, tag, new Set(['category', 'name']));
    for (const player of row.players) validateEntity(playerMeta, player, new Set(['name']));
  };
}
