import type { EntityManager } from '@mikro-orm/postgresql';
import { type EntityFieldError, newId, TesseraError, ValidationError, validateEntity } from '@tessera/kernel';
import { parse } from 'csv-parse/sync';
import { HandClip } from '../entities/hand-clip.entity.ts';
import { Player } from '../entities/player.entity.ts';
import { Tag } from '../entities/tag.entity.ts';
import { query } from './sql.ts';

/**
 * A sheet import that stopped: the row (as numbered in the sheet, header = 1), the entity and field of the bad
 * value (from the typed cause), and the cause itself.
 */
export class SheetImportError extends TesseraError {
  readonly sheetSource: string;
  readonly row: number | undefined;
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
  }
}

/** What an import did. Rows whose values did not change are `unchanged` and were not rewritten. */
export interface SheetImportResult {
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

interface ClipRow {
  id: string;
  row: number;
  handNumber: number | null;
  title: string | null;
  startSeconds: number | null;
  endSeconds: number | null;
  notes: string | null;
  board: string | null;
  potSize: number | null;
  highlightScore: number | null;
  videoFilePath: string | null;
  tags: { category: string; name: string }[];
  players: { name: string; isWinner: boolean }[];
}

const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? null : v.trim());

function numberCell(row: number, field: string, raw: string | undefined): number | null {
  const v = blank(raw);
  if (v === null) return null;
  const n = Number(v.replace(/,/g, ''));
  if (!Number.isFinite(n)) throw new ValidationError('HandClip', field, `row ${row}: "${v}" is not a number`);
  return n;
}

/** `1:02:03`, `02:03` or plain seconds. */
function timecodeCell(row: number, field: string, raw: string | undefined): number | null {
  const v = blank(raw);
  if (v === null) return null;
  const parts = v.split(':').map(Number);
  if (parts.length > 3 || parts.some((p) => !Number.isFinite(p) || p < 0)) {
    throw new ValidationError('HandClip', field, `row ${row}: "${v}" is not a timecode (h:mm:ss, mm:ss or seconds)`);
  }
  return parts.reduce((total, p) => total * 60 + p, 0);
}

function parseRow(record: Record<string, string>, row: number): ClipRow {
  const tags = (blank(record.tags) ?? '')
    .split(';')
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => {
      const [category, ...name] = t.split(':');
      if (!category?.trim() || name.length === 0 || !name.join(':').trim()) {
        throw new ValidationError('HandClip', 'tags', `row ${row}: "${t}" is not category:name`);
      }
      return { category: category.trim(), name: name.join(':').trim() };
    });
  const players = (blank(record.players) ?? '')
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => ({ name: p.replace(/^\*/, '').trim(), isWinner: p.startsWith('*') }));
  return {
    id: newId(),
    row,
    handNumber: numberCell(row, 'handNumber', record.hand_number),
    title: blank(record.title),
    startSeconds: timecodeCell(row, 'startSeconds', record.start),
    endSeconds: timecodeCell(row, 'endSeconds', record.end),
    notes: blank(record.notes),
    board: blank(record.board),
    potSize: numberCell(row, 'potSize', record.pot_size),
    highlightScore: numberCell(row, 'highlightScore', record.highlight_score),
    videoFilePath: blank(record.video_file),
    tags,
    players,
  };
}

async function recordSync(
  em: EntityManager,
  source: string,
  status: string,
  rows: number | null,
  error: string | null,
) {
  await query(
    em,
    `insert into catalog.google_sheet_sync (id, sheet_source, status, rows_synced, last_synced_at, last_error)
     values ($1, $2, $3, coalesce($4, 0), case when $3 = 'succeeded' then now() end, $5)
     on conflict (sheet_source) do update set status = excluded.status,
       rows_synced = coalesce($4, google_sheet_sync.rows_synced),
       last_synced_at = coalesce(excluded.last_synced_at, google_sheet_sync.last_synced_at),
       last_error = excluded.last_error`,
    [newId(), source, status, rows, error],
  );
}

/**
 * Imports hand clips from a sheet export (CSV with a header row: hand_number, title, start, end, notes, board,
 * pot_size, highlight_score, video_file, tags, players), upserting by (sheet source, sheet row number), and
 * records the sync state in `google_sheet_sync`. Every row is validated first; any bad row stops the import
 * with a SheetImportError naming the row and field, nothing is written, and the sync state says `failed`.
 * Tags (`category:name; …`) and players (`Name; *Winner`) are created when new; a clip's tags and players
 * become exactly those of its row. `video_file` is the path of a catalogued video file.
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
  let rowInProgress: number | undefined;
  try {
    const records = parse(csv, { columns: true, skip_empty_lines: true, trim: true, info: true }) as {
      record: Record<string, string>;
      info: { lines: number };
    }[];
    const meta = em.getMetadata(HandClip);
    const tagMeta = em.getMetadata(Tag);
    const playerMeta = em.getMetadata(Player);
    const rows = records.map(({ record, info }) => {
      rowInProgress = info.lines;
      const row = parseRow(record, info.lines);
      validateEntity(meta, { ...row, sheetSource, sheetRowNumber: row.row });
      // Tags and players are created from the cells too: the same rules as any other write of them.
      for (const tag of row.tags) validateEntity(tagMeta, tag, new Set(['category', 'name']));
      for (const player of row.players) validateEntity(playerMeta, player, new Set(['name']));
      return row;
    });
    rowInProgress = undefined;
    const result = await em.transactional((tx) => writeRows(tx, sheetSource, rows));
    await recordSync(em, sheetSource, 'succeeded', rows.length, null);
    return result;
  } catch (error) {
    const cause = error instanceof Error ? error : new Error(String(error));
    const row = rowInProgress ?? (error as { row?: number }).row;
    await recordSync(em, sheetSource, 'failed', null, cause.message);
    throw new SheetImportError(sheetSource, row, cause);
  }
}

async function writeRows(tx: EntityManager, source: string, rows: ClipRow[]): Promise<SheetImportResult> {
  const paths = [...new Set(rows.map((r) => r.videoFilePath).filter((p): p is string => p !== null))];
  const videos = await query<{ id: string; file_path: string }>(
    tx,
    'select id, file_path from catalog.video_files where file_path = any($1::text[]) and deleted_at is null',
    [paths],
  );
  const videoId = new Map(videos.map((v) => [v.file_path, v.id]));
  const unknown = rows.find((r) => r.videoFilePath !== null && !videoId.has(r.videoFilePath));
  if (unknown) {
    throw Object.assign(
      new ValidationError('HandClip', 'videoFile', `row ${unknown.row}: no video file at ${unknown.videoFilePath}`),
      { row: unknown.row },
    );
  }
  const col = <T>(f: (r: ClipRow) => T) => rows.map(f);
  const merged = await query<{ inserted: boolean }>(
    tx,
    `insert into catalog.hand_clips as h (id, sheet_source, sheet_row_number, hand_number, title, start_seconds,
       end_seconds, notes, board, pot_size, highlight_score, video_file_id, episode_id)
     select t.id, $1, t.rn, t.hand_number, t.title, t.start_seconds, t.end_seconds, t.notes, t.board, t.pot_size,
       t.highlight_score, t.video_file_id, v.episode_id
     from unnest($2::uuid[], $3::int[], $4::int[], $5::text[], $6::numeric[], $7::numeric[], $8::text[], $9::text[],
       $10::numeric[], $11::smallint[], $12::uuid[])
       as t(id, rn, hand_number, title, start_seconds, end_seconds, notes, board, pot_size, highlight_score, video_file_id)
     left join catalog.video_files v on v.id = t.video_file_id
     on conflict (sheet_source, sheet_row_number) where deleted_at is null do update set
       hand_number = excluded.hand_number, title = excluded.title, start_seconds = excluded.start_seconds,
       end_seconds = excluded.end_seconds, notes = excluded.notes, board = excluded.board, pot_size = excluded.pot_size,
       highlight_score = excluded.highlight_score, video_file_id = excluded.video_file_id, episode_id = excluded.episode_id
     where (h.hand_number, h.title, h.start_seconds, h.end_seconds, h.notes, h.board, h.pot_size, h.highlight_score,
            h.video_file_id, h.episode_id) is distinct from
           (excluded.hand_number, excluded.title, excluded.start_seconds, excluded.end_seconds, excluded.notes,
            excluded.board, excluded.pot_size, excluded.highlight_score, excluded.video_file_id, excluded.episode_id)
     returning (xmax = 0) as inserted`,
    [
      source,
      col((r) => r.id),
      col((r) => r.row),
      col((r) => r.handNumber),
      col((r) => r.title),
      col((r) => r.startSeconds),
      col((r) => r.endSeconds),
      col((r) => r.notes),
      col((r) => r.board),
      col((r) => r.potSize),
      col((r) => r.highlightScore),
      col((r) => (r.videoFilePath ? (videoId.get(r.videoFilePath) ?? null) : null)),
    ],
  );
  const clips = await query<{ id: string; sheet_row_number: number }>(
    tx,
    'select id, sheet_row_number from catalog.hand_clips where sheet_source = $1 and sheet_row_number = any($2::int[]) and deleted_at is null',
    [source, col((r) => r.row)],
  );
  const clipId = new Map(clips.map((c) => [c.sheet_row_number, c.id]));
  await linkTags(tx, rows, clipId);
  await linkPlayers(tx, rows, clipId);
  const inserted = merged.filter((m) => m.inserted).length;
  const updated = merged.length - inserted;
  return { rows: rows.length, inserted, updated, unchanged: rows.length - merged.length };
}

async function linkTags(tx: EntityManager, rows: ClipRow[], clipId: Map<number, string>) {
  const pairs = rows.flatMap((r) => r.tags.map((t) => ({ clip: clipId.get(r.row) as string, ...t })));
  const keys = [...new Map(pairs.map((p) => [`${p.category}\0${p.name}`, p])).values()];
  await query(
    tx,
    `insert into catalog.tags (id, category, name) select * from unnest($1::uuid[], $2::text[], $3::text[])
     on conflict (category, name) where deleted_at is null do nothing`,
    [keys.map(() => newId()), keys.map((k) => k.category), keys.map((k) => k.name)],
  );
  await query(
    tx,
    `with wanted as (
       select p.clip, t.id as tag from unnest($2::uuid[], $3::text[], $4::text[]) as p(clip, category, name)
       join catalog.tags t on t.category = p.category and t.name = p.name and t.deleted_at is null
     ), removed as (
       delete from catalog.hand_clip_tags x where x.hand_clip_id = any($1::uuid[])
         and not exists (select 1 from wanted w where w.clip = x.hand_clip_id and w.tag = x.tag_id)
     )
     insert into catalog.hand_clip_tags (hand_clip_id, tag_id) select clip, tag from wanted on conflict do nothing`,
    [[...clipId.values()], pairs.map((p) => p.clip), pairs.map((p) => p.category), pairs.map((p) => p.name)],
  );
}

async function linkPlayers(tx: EntityManager, rows: ClipRow[], clipId: Map<number, string>) {
  const pairs = rows.flatMap((r) => r.players.map((p) => ({ clip: clipId.get(r.row) as string, ...p })));
  const names = [...new Set(pairs.map((p) => p.name))];
  // Players have no unique name (two people can share one); the import reuses the oldest live player of that name.
  await query(
    tx,
    `insert into catalog.players (id, name)
     select * from unnest($1::uuid[], $2::text[]) as n(id, name)
     where not exists (select 1 from catalog.players p where p.name = n.name and p.deleted_at is null)`,
    [names.map(() => newId()), names],
  );
  await query(
    tx,
    `with wanted as (
       select distinct on (p.clip, p.name) p.clip, pl.id as player, p.winner
       from unnest($2::uuid[], $3::text[], $4::boolean[]) as p(clip, name, winner)
       join catalog.players pl on pl.name = p.name and pl.deleted_at is null
       order by p.clip, p.name, pl.id
     ), removed as (
       delete from catalog.hand_clip_players x where x.hand_clip_id = any($1::uuid[])
         and not exists (select 1 from wanted w where w.clip = x.hand_clip_id and w.player = x.player_id)
     )
     insert into catalog.hand_clip_players (hand_clip_id, player_id, is_winner) select clip, player, winner from wanted
     on conflict (hand_clip_id, player_id) do update set is_winner = excluded.is_winner
     where hand_clip_players.is_winner <> excluded.is_winner`,
    [[...clipId.values()], pairs.map((p) => p.clip), pairs.map((p) => p.name), pairs.map((p) => p.isWinner)],
  );
}
