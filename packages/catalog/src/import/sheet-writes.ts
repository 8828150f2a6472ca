import type { EntityManager } from '@mikro-orm/postgresql';
import { newId, sql } from '@tessera/kernel';
import { SheetCellError, type SheetClipRow } from './sheet-rows.ts';

/**
 * The writes of a sheet import: the sync state of the sheet source, the hand clips, their tags and their
 * players. The last three run in the import's transaction; the sync state is written outside it, so a failed
 * import still records that it failed.
 */

/** What an import did. Rows whose values did not change are `unchanged` and were not rewritten. */
export interface SheetImportResult {
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

/** A parsed row with the id its clip gets if it is new. */
interface ClipRow extends SheetClipRow {
  readonly id: string;
}

/**
 * Records the sync state of a sheet source: `running`, `succeeded` (with the rows synced and the time) or
 * `failed` (with the error; the last good count and time are kept).
 */
export async function recordSync(
  em: EntityManager,
  source: string,
  status: 'running' | 'succeeded' | 'failed',
  rows: number | null,
  error: string | null,
): Promise<void> {
  await sql(em, {
    text: `insert into catalog.google_sheet_sync (id, sheet_source, status, rows_synced, last_synced_at, last_error)
     values ($1, $2, $3, coalesce($4, 0), case when $3 = 'succeeded' then now() end, $5)
     on conflict (sheet_source) do update set status = excluded.status,
       rows_synced = coalesce($4, google_sheet_sync.rows_synced),
       last_synced_at = coalesce(excluded.last_synced_at, google_sheet_sync.last_synced_at),
       last_error = excluded.last_error`,
    values: [newId(), source, status, rows, error],
  });
}

/**
 * Writes parsed rows in `tx`: upserts the clips by (sheet source, row number), then makes each clip's tags and
 * players exactly those of its row, creating tags and players that are new. A `video_file` that is not the path
 * of a live catalogued video file is a SheetCellError naming the row.
 */
export async function writeSheetRows(
  tx: EntityManager,
  source: string,
  parsed: readonly SheetClipRow[],
): Promise<SheetImportResult> {
  const rows: ClipRow[] = parsed.map((row) => ({ ...row, id: newId() }));
  const videoId = await videoFileIds(tx, rows);
  const merged = await upsertClips(tx, source, rows, videoId);
  const clips = await sql<{ id: string; sheet_row_number: number }>(tx, {
    text: 'select id, sheet_row_number from catalog.hand_clips where sheet_source = $1 and sheet_row_number = any($2::int[]) and deleted_at is null',
    values: [source, rows.map((r) => r.row)],
  });
  const clipId = new Map(clips.map((c) => [c.sheet_row_number, c.id]));
  await linkTags(tx, rows, clipId);
  await linkPlayers(tx, rows, clipId);
  const inserted = merged.filter((m) => m.inserted).length;
  const updated = merged.length - inserted;
  return { rows: rows.length, inserted, updated, unchanged: rows.length - merged.length };
}

/** The ids of the rows' video files by path; the first row naming an unknown path fails. */
async function videoFileIds(tx: EntityManager, rows: readonly ClipRow[]): Promise<Map<string, string>> {
  const paths = [...new Set(rows.map((r) => r.videoFilePath).filter((p): p is string => p !== null))];
  const videos = await sql<{ id: string; file_path: string }>(tx, {
    text: 'select id, file_path from catalog.video_files where file_path = any($1::text[]) and deleted_at is null',
    values: [paths],
  });
  const videoId = new Map(videos.map((v) => [v.file_path, v.id]));
  const unknown = rows.find((r) => r.videoFilePath !== null && !videoId.has(r.videoFilePath));
  if (unknown) throw new SheetCellError(unknown.row, 'video_file', `no video file at ${unknown.videoFilePath}`);
  return videoId;
}

/** Upserts the clips, rewriting only rows whose values changed; one result per written row. */
async function upsertClips(
  tx: EntityManager,
  source: string,
  rows: readonly ClipRow[],
  videoId: ReadonlyMap<string, string>,
): Promise<{ inserted: boolean }[]> {
  const col = <T>(f: (r: ClipRow) => T) => rows.map(f);
  return sql<{ inserted: boolean }>(tx, {
    text: `insert into catalog.hand_clips as h (id, sheet_source, sheet_row_number, hand_number, title, start_seconds,
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
    values: [
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
  });
}

/** Creates the rows' new tags and makes each clip's tags exactly those of its row. */
async function linkTags(tx: EntityManager, rows: readonly ClipRow[], clipId: ReadonlyMap<number, string>) {
  const pairs = rows.flatMap((r) => r.tags.map((t) => ({ clip: clipId.get(r.row) as string, ...t })));
  const keys = [...new Map(pairs.map((p) => [`${p.category}\0${p.name}`, p])).values()];
  await sql(tx, {
    text: `insert into catalog.tags (id, category, name) select * from unnest($1::uuid[], $2::text[], $3::text[])
     on conflict (category, name) where deleted_at is null do nothing`,
    values: [keys.map(() => newId()), keys.map((k) => k.category), keys.map((k) => k.name)],
  });
  await sql(tx, {
    text: `with wanted as (
       select p.clip, t.id as tag from unnest($2::uuid[], $3::text[], $4::text[]) as p(clip, category, name)
       join catalog.tags t on t.category = p.category and t.name = p.name and t.deleted_at is null
     ), removed as (
       delete from catalog.hand_clip_tags x where x.hand_clip_id = any($1::uuid[])
         and not exists (select 1 from wanted w where w.clip = x.hand_clip_id and w.tag = x.tag_id)
     )
     insert into catalog.hand_clip_tags (hand_clip_id, tag_id) select clip, tag from wanted on conflict do nothing`,
    values: [[...clipId.values()], pairs.map((p) => p.clip), pairs.map((p) => p.category), pairs.map((p) => p.name)],
  });
}

/** Creates the rows' new players and makes each clip's players (and winners) exactly those of its row. */
async function linkPlayers(tx: EntityManager, rows: readonly ClipRow[], clipId: ReadonlyMap<number, string>) {
  const pairs = rows.flatMap((r) => r.players.map((p) => ({ clip: clipId.get(r.row) as string, ...p })));
  const names = [...new Set(pairs.map((p) => p.name))];
  // Players have no unique name (two people can share one); the import reuses the oldest live player of that name.
  await sql(tx, {
    text: `insert into catalog.players (id, name)
     select * from unnest($1::uuid[], $2::text[]) as n(id, name)
     where not exists (select 1 from catalog.players p where p.name = n.name and p.deleted_at is null)`,
    values: [names.map(() => newId()), names],
  });
  await sql(tx, {
    text: `with wanted as (
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
    values: [[...clipId.values()], pairs.map((p) => p.clip), pairs.map((p) => p.name), pairs.map((p) => p.isWinner)],
  });
}
