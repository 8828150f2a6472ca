import { ValidationError } from '@tessera/kernel';
import { describe, expect, it } from 'vitest';
import { columnOf, parseHandClipSheet, SheetCellError } from '../src/import/sheet-rows.ts';

// Parsing is pure: no database here.

const HEADER = 'hand_number,title,start,end,notes,board,pot_size,highlight_score,video_file,tags,players';

function cellError(csv: string): SheetCellError {
  try {
    parseHandClipSheet(csv);
  } catch (error) {
    expect(error).toBeInstanceOf(SheetCellError);
    return error as SheetCellError;
  }
  throw new Error('the sheet parsed');
}

describe('parseHandClipSheet: a sheet export as typed rows', () => {
  it('reads every column: timecodes, numbers with thousands separators, tags and players (* marks the winner)', () => {
    const csv = [
      HEADER,
      '12,Hero call,1:02:03,04:00,"Big call, river bluff",Ah Kd 7c,"1,250,000",5,/nas/a.mp4,action:hero-call; street:river,*Phil Ivey; Tom Dwan',
    ].join('\n');
    expect(parseHandClipSheet(csv)).toEqual([
      {
        row: 2,
        handNumber: 12,
        title: 'Hero call',
        startSeconds: 3723,
        endSeconds: 240,
        notes: 'Big call, river bluff',
        board: 'Ah Kd 7c',
        potSize: 1_250_000,
        highlightScore: 5,
        videoFilePath: '/nas/a.mp4',
        tags: [
          { category: 'action', name: 'hero-call' },
          { category: 'street', name: 'river' },
        ],
        players: [
          { name: 'Phil Ivey', isWinner: true },
          { name: 'Tom Dwan', isWinner: false },
        ],
      },
    ]);
  });

  it('reads blank cells and missing columns as null or empty, and numbers rows as the sheet does', () => {
    const rows = parseHandClipSheet(['title,start', 'Only a title,', '', 'Second,90'].join('\n'));
    expect(rows.map((r) => [r.row, r.title, r.startSeconds, r.handNumber, r.tags, r.players])).toEqual([
      [2, 'Only a title', null, null, [], []],
      [4, 'Second', 90, null, [], []],
    ]);
  });

  it('keeps a tag name holding a colon whole', () => {
    const [row] = parseHandClipSheet(`tags\nnote:seen at 1:02`);
    expect(row?.tags).toEqual([{ category: 'note', name: 'seen at 1:02' }]);
  });

  it.each([
    ['a number', `${HEADER}\nlots,X,1,2,,,,,,,`, 2, 'hand_number', 'handNumber'],
    ['a pot size', `${HEADER}\n1,X,1,2,,,a lot,,,,`, 2, 'pot_size', 'potSize'],
    ['a timecode', `${HEADER}\n1,X,1:2:3:4,2,,,,,,,`, 2, 'start', 'startSeconds'],
    ['a negative timecode', `${HEADER}\n1,X,1,-5,,,,,,,`, 2, 'end', 'endSeconds'],
    ['a tag without a category', `${HEADER}\n1,X,1,2,,,,,,justaname,`, 2, 'tags', 'tags'],
    ['a bad cell on a later row', `${HEADER}\n1,X,1,2,,,,,,,\n2,Y,1,2,,,,x,,,`, 3, 'highlight_score', 'highlightScore'],
  ])('refuses %s with a typed error naming the row, the column and the field', (_, csv, row, column, field) => {
    const error = cellError(csv);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ row, column, entity: 'HandClip', field });
    expect(error.message).toContain(`row ${row}, column ${column}`);
  });

  it('hands each row to the check as soon as it is parsed, so a refused row stops the parse there', () => {
    const seen: number[] = [];
    const csv = `${HEADER}\n1,A,1,2,,,,,,,\n2,B,1,2,,,,,,,\nbad,C,1,2,,,,,,,`;
    expect(() =>
      parseHandClipSheet(csv, (row) => {
        seen.push(row.row);
        if (row.row === 3) throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(seen).toEqual([2, 3]);
  });
});

describe('columnOf: the sheet column a typed error points at', () => {
  it('names the column of a cell, a clip field, a tag or a player', () => {
    expect(columnOf(new SheetCellError(2, 'end', 'x'))).toBe('end');
    expect(columnOf(new ValidationError('HandClip', 'highlightScore', 'x'))).toBe('highlight_score');
    expect(columnOf(new ValidationError('Tag', 'name', 'x'))).toBe('tags');
    expect(columnOf(new ValidationError('Player', 'name', 'x'))).toBe('players');
    expect(columnOf(new ValidationError('HandClip', 'sheetSource', 'x'))).toBeUndefined();
    expect(columnOf(new ValidationError('Project', 'code', 'x'))).toBeUndefined();
  });
});
