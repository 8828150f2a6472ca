import { BatchValidationError, ValidationError } from '@tessera/kernel';
import { itRefusesBadInput, useTestDatabase } from '@tessera/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../src/context.ts';
import {
  CatalogRepository,
  HandClip,
  HandClipRepository,
  type IHandClip,
  type IPlayer,
  importHandClipsCsv,
  Project,
  SheetImportError,
  softDelete,
} from '../src/index.ts';
import { handClipFactory, playerFactory } from '../src/testing.ts';

const db = useTestDatabase(catalog);
const schemas = ['catalog'];
const SYNC = 'catalog.google_sheet_sync';
const HEADER = 'hand_number,title,start,end,notes,board,pot_size,highlight_score,video_file,tags,players';

let clip: IHandClip;
let players: IPlayer[];
beforeAll(async () => {
  clip = await handClipFactory(db.em());
  players = [await playerFactory(db.em()), await playerFactory(db.em())];
});

const rowsAre = (rows: number[]) => (e: Error) =>
  expect((e as BatchValidationError).rows.map((r) => r.row)).toEqual(rows);
const sheetRow = (row: number) => (e: Error) => expect((e as SheetImportError).row).toBe(row);
const repo = () => new HandClipRepository(db.em());
const pid = (i: number) => players[i]?.id as string;

describe('catalog refuses bad input with a typed error naming the field, and writes nothing', () => {
  itRefusesBadInput(db, schemas, [
    {
      name: 'startSeconds Infinity (it reached the SQL text as an identifier)',
      run: () => repo().createHandClip({ startSeconds: Number.POSITIVE_INFINITY }),
      error: ValidationError,
      entity: 'HandClip',
      field: 'startSeconds',
    },
    {
      name: 'Infinity in a query MikroORM inlines (the value never becomes SQL text)',
      run: (em) => em.execute('select ?::numeric as v', [Number.POSITIVE_INFINITY]),
      error: ValidationError,
      entity: 'query',
      field: 'value',
    },
    {
      name: 'NaN in a find condition',
      run: (em) => em.find(HandClip, { startSeconds: Number.NaN }),
      error: ValidationError,
      entity: 'query',
      field: 'value',
    },
    {
      name: 'NaN potSize',
      run: () => repo().createHandClip({ potSize: Number.NaN }),
      error: ValidationError,
      entity: 'HandClip',
      field: 'potSize',
    },
    {
      name: 'a hand clip for an episode id that is not a UUID',
      run: () => repo().createHandClip({ episodeId: 'episode-1' }),
      error: ValidationError,
      entity: 'HandClip',
      field: 'episode',
    },
    {
      name: 'a NUL byte in a clip title',
      run: () => repo().createHandClip({ title: 'a\0' }),
      error: ValidationError,
      entity: 'HandClip',
      field: 'title',
    },
    {
      name: 'a NUL byte in a tag name',
      run: () => repo().createTag({ category: 'action', name: 'x\0' }),
      error: ValidationError,
      entity: 'Tag',
      field: 'name',
    },
    {
      name: 'a number for a player name',
      run: () => repo().createPlayer({ name: 5 as never }),
      error: ValidationError,
      entity: 'Player',
      field: 'name',
    },
    {
      name: 'untag with a tag id that is not a UUID',
      run: () => repo().untag(clip.id, ['tag-1']),
      error: ValidationError,
      entity: 'HandClipTag',
      field: 'tag',
    },
    {
      name: 'untag a clip id that is not a UUID',
      run: () => repo().untag('clip', []),
      error: ValidationError,
      entity: 'HandClipTag',
      field: 'handClip',
    },
    {
      name: 'link players: one id that is not a UUID, in the middle',
      run: () => repo().linkPlayers(clip.id, [{ playerId: pid(0) }, { playerId: 'p-2' }, { playerId: pid(1) }]),
      error: BatchValidationError,
      entity: 'HandClipPlayer',
      field: 'player',
      check: rowsAre([1]),
    },
    {
      name: 'link players: the same player twice',
      run: () =>
        repo().linkPlayers(clip.id, [{ playerId: pid(0) }, { playerId: pid(1) }, { playerId: pid(0), isWinner: true }]),
      error: BatchValidationError,
      entity: 'HandClipPlayer',
      field: 'player',
      check: rowsAre([2]),
    },
    {
      name: 'link players: a string for isWinner',
      run: () => repo().linkPlayers(clip.id, [{ playerId: pid(0), isWinner: 'yes' as never }]),
      error: BatchValidationError,
      entity: 'HandClipPlayer',
      field: 'isWinner',
    },
    {
      name: 'link players to a clip id that is not a UUID',
      run: () => repo().linkPlayers('clip-1', [{ playerId: pid(0) }]),
      error: ValidationError,
      entity: 'HandClipPlayer',
      field: 'handClip',
    },
    {
      name: 'soft delete an id that is not a UUID',
      run: (em) => softDelete(em, Project, 'p-1'),
      error: ValidationError,
      entity: 'Project',
      field: 'id',
    },
    {
      name: 'soft delete a project by an id that is not a UUID',
      run: () => new CatalogRepository(db.em()).softDeleteProject('p-1'),
      error: ValidationError,
      entity: 'Project',
      field: 'id',
    },
    {
      name: 'a catalog tree whose project has a NUL byte in its name',
      run: () =>
        new CatalogRepository(db.em()).createCatalogTree({
          project: { code: 'NULP', name: 'a\0' },
          seasons: [{ year: 2024 }],
        }),
      error: ValidationError,
      entity: 'Project',
      field: 'name',
    },
    {
      name: 'sheet import: a hand number of 1e12 on row 3',
      run: (em) =>
        importHandClipsCsv(em, 'bad-sheet', [HEADER, '1,One,10,20,,,,,,,', '1e12,Two,30,40,,,,,,,'].join('\n')),
      error: SheetImportError,
      entity: 'HandClip',
      field: 'handNumber',
      check: sheetRow(3),
      failureRecordedIn: [SYNC],
    },
    {
      name: 'sheet import: a NUL byte in a title on row 2',
      run: (em) => importHandClipsCsv(em, 'bad-sheet', [HEADER, '1,O\0ne,10,20,,,,,,,'].join('\n')),
      error: SheetImportError,
      entity: 'HandClip',
      field: 'title',
      check: sheetRow(2),
      failureRecordedIn: [SYNC],
    },
    {
      name: 'sheet import: a NUL byte in a player name on row 2',
      run: (em) => importHandClipsCsv(em, 'bad-sheet', [HEADER, '1,One,10,20,,,,,,,Ph\0il'].join('\n')),
      error: SheetImportError,
      entity: 'Player',
      field: 'name',
      check: sheetRow(2),
      failureRecordedIn: [SYNC],
    },
  ]);
});

describe('a catalog tree writes every good season and reports each bad one by index and field', () => {
  it('an impossible air date skips only its season, naming Episode.airDate', async () => {
    const { project, seasons, skipped } = await new CatalogRepository(db.em()).createCatalogTree({
      project: { code: 'AIRDATE', name: 'Air dates' },
      seasons: [
        {
          year: 2023,
          events: [
            { eventNumber: 1, name: 'Main', episodes: [{ episodeNumber: 1, title: 'Day 1', airDate: '2023-07-01' }] },
          ],
        },
        {
          year: 2024,
          events: [
            { eventNumber: 1, name: 'Main', episodes: [{ episodeNumber: 1, title: 'Day 1', airDate: '2024-02-30' }] },
          ],
        },
      ],
    });
    expect(seasons.map((s) => s.year)).toEqual([2023]);
    expect(
      skipped.map((s) => [
        s.index,
        s.error.constructor,
        (s.error as ValidationError).entity,
        (s.error as ValidationError).field,
      ]),
    ).toEqual([[1, ValidationError, 'Episode', 'airDate']]);
    const stored = await db.query('select s.year from catalog.seasons s where s.project_id = $1', [project.id]);
    expect(stored).toEqual([{ year: 2023 }]);
    expect(await db.query(`select 1 from catalog.episodes where air_date = '2024-03-01'`)).toEqual([]);
  });
});
