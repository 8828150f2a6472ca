import { CheckViolationError, ValidationError } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { catalog } from '../src/context.ts';
import { importHandClipsCsv, SheetImportError } from '../src/index.ts';
import { videoFileFactory } from '../src/testing.ts';

const db = useTestDatabase(catalog);

const HEADER = 'hand_number,title,start,end,notes,board,pot_size,highlight_score,video_file,tags,players';

async function syncState(source: string) {
  const [row] = await db.query<{ status: string; rows_synced: number; last_error: string | null; synced: boolean }>(
    'select status, rows_synced, last_error, last_synced_at is not null as synced from catalog.google_sheet_sync where sheet_source = $1',
    [source],
  );
  return row;
}

const clipsOf = (source: string) =>
  db.query<{ sheet_row_number: number; title: string; start_seconds: string; notes: string }>(
    'select sheet_row_number, title, start_seconds, notes from catalog.hand_clips where sheet_source = $1 and deleted_at is null order by 1',
    [source],
  );

describe('importHandClipsCsv: upsert by (sheet_source, sheet_row_number), sync state recorded', () => {
  it('imports rows with their tags, players and video file, and records success', async () => {
    const video = await videoFileFactory(db.em());
    const csv = [
      HEADER,
      `12,Hero call,1:02:03,1:04:00,"Big call, river bluff",Ah Kd 7c 2s 9h,"1,250,000",5,${video.filePath},action:hero-call; street:river,*Phil Ivey; Tom Dwan`,
      '13,Cooler,65,125,Set over set,,,3,,result:cooler,Tom Dwan',
    ].join('\n');
    const result = await importHandClipsCsv(db.em(), 'sheet-a', csv);
    expect(result).toEqual({ rows: 2, inserted: 2, updated: 0, unchanged: 0 });
    expect(await clipsOf('sheet-a')).toEqual([
      { sheet_row_number: 2, title: 'Hero call', start_seconds: '3723.000', notes: 'Big call, river bluff' },
      { sheet_row_number: 3, title: 'Cooler', start_seconds: '65.000', notes: 'Set over set' },
    ]);
    const links = await db.query(
      `select h.sheet_row_number as row, t.category || ':' || t.name as tag from catalog.hand_clips h
       join catalog.hand_clip_tags x on x.hand_clip_id = h.id join catalog.tags t on t.id = x.tag_id
       where h.sheet_source = 'sheet-a' order by 1, 2`,
    );
    expect(links).toEqual([
      { row: 2, tag: 'action:hero-call' },
      { row: 2, tag: 'street:river' },
      { row: 3, tag: 'result:cooler' },
    ]);
    const winners = await db.query(
      `select p.name, x.is_winner from catalog.hand_clip_players x join catalog.players p on p.id = x.player_id
       join catalog.hand_clips h on h.id = x.hand_clip_id where h.sheet_row_number = 2 and h.sheet_source = 'sheet-a' order by 1`,
    );
    expect(winners).toEqual([
      { name: 'Phil Ivey', is_winner: true },
      { name: 'Tom Dwan', is_winner: false },
    ]);
    expect(await db.query(`select count(*)::int as n from catalog.players where name = 'Tom Dwan'`)).toEqual([
      { n: 1 },
    ]);
    const [linked] = await db.query(
      `select video_file_id from catalog.hand_clips where sheet_source = 'sheet-a' and sheet_row_number = 2`,
    );
    expect(linked).toEqual({ video_file_id: video.id });
    expect(await syncState('sheet-a')).toEqual({ status: 'succeeded', rows_synced: 2, last_error: null, synced: true });
  });

  it('re-importing upserts by row: unchanged rows are not rewritten, changed rows are updated, new rows inserted', async () => {
    const csv = [HEADER, '1,One,10,20,first note,,,,,,', '2,Two,30,40,second note,,,,,,'].join('\n');
    await importHandClipsCsv(db.em(), 'sheet-b', csv);
    const before = await db.query(
      'select id, xmin::text from catalog.hand_clips where sheet_source = $1 order by sheet_row_number',
      ['sheet-b'],
    );
    const changed = [
      HEADER,
      '1,One,10,20,first note,,,,,,',
      '2,Two,30,45,second note edited,,,,,,',
      '3,Three,50,60,third,,,,,,',
    ].join('\n');
    const result = await importHandClipsCsv(db.em(), 'sheet-b', changed);
    expect(result).toEqual({ rows: 3, inserted: 1, updated: 1, unchanged: 1 });
    const after = await db.query(
      'select id, xmin::text from catalog.hand_clips where sheet_source = $1 order by sheet_row_number',
      ['sheet-b'],
    );
    expect(after[0]).toEqual(before[0]); // row 2 of the sheet (first data row) untouched
    expect(after[1]?.id).toBe(before[1]?.id); // updated in place, same clip
    expect((await clipsOf('sheet-b')).map((c) => c.notes)).toEqual(['first note', 'second note edited', 'third']);
    expect(await syncState('sheet-b')).toMatchObject({ status: 'succeeded', rows_synced: 3 });
  });

  it('a bad row stops the import with the row and field named; nothing is written and the sync says failed', async () => {
    await importHandClipsCsv(db.em(), 'sheet-c', [HEADER, '1,Kept,10,20,kept,,,,,,'].join('\n'));
    const csv = [HEADER, '1,Changed,10,20,changed,,,,,,', '2,Backwards,100,50,end before start,,,,,,'].join('\n');
    const error = await importHandClipsCsv(db.em(), 'sheet-c', csv).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SheetImportError);
    expect(error).toMatchObject({ sheetSource: 'sheet-c', row: 3, column: 'end' });
    expect((error as Error).cause).toBeInstanceOf(CheckViolationError);
    expect((error as Error).cause).toMatchObject({ entity: 'HandClip', field: 'endSeconds' });
    expect((await clipsOf('sheet-c')).map((c) => c.title)).toEqual(['Kept']);
    expect(await syncState('sheet-c')).toMatchObject({
      status: 'failed',
      rows_synced: 1,
      last_error: 'HandClip.endSeconds: must be after startSeconds',
    });
  });

  it('an unknown video file, a bad number and a bad tag are typed errors naming the row, column and field', async () => {
    const cases: [string, string, string][] = [
      ['1,X,1,2,n,,,,/nas/none.mp4,,', 'videoFile', 'video_file'],
      ['1,X,1,2,n,,lots,,,,', 'potSize', 'pot_size'],
      ['1,X,1,2,n,,,,,justaname,', 'tags', 'tags'],
      ['1,X,1,2,n,,,9,,,', 'highlightScore', 'highlight_score'],
    ];
    for (const [line, field, column] of cases) {
      const error = await importHandClipsCsv(db.em(), 'sheet-d', `${HEADER}\n${line}`).catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(SheetImportError);
      expect((error as Error).cause, field).toMatchObject({ entity: 'HandClip', field });
      expect(error, field).toMatchObject({ row: 2, column });
    }
    expect(await clipsOf('sheet-d')).toEqual([]);
  });

  it('rejects an empty sheet source before doing anything', async () => {
    const error = await importHandClipsCsv(db.em(), ' ', HEADER).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ entity: 'GoogleSheetSync', field: 'sheetSource' });
  });
});
