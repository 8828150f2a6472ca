import type { EntityManager } from '@mikro-orm/postgresql';
import {
  CheckViolationError,
  ForeignKeyViolationError,
  NotNullViolationError,
  translateDbError,
  UniqueViolationError,
} from '@tessera/kernel';
import { nasFileFactory } from '@tessera/nas/testing';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { catalog } from '../src/context.ts';
import {
  episodeFactory,
  eventFactory,
  googleSheetSyncFactory,
  handClipFactory,
  playerFactory,
  projectFactory,
  seasonFactory,
  tagFactory,
  videoFileFactory,
} from '../src/testing.ts';

const db = useTestDatabase(catalog);

type Make = (em: EntityManager) => Promise<unknown>;

// Every CHECK of the catalog: the application rejects the value before any write, with the constraint's name.
const checks: [string, Make, string, string][] = [
  ['ck_projects_code_format', (em) => projectFactory(em, { code: 'bad code' }), 'Project', 'code'],
  ['ck_projects_name_not_empty', (em) => projectFactory(em, { name: '  ' }), 'Project', 'name'],
  ['ck_seasons_year_range', (em) => seasonFactory(em, { year: 1969 }), 'Season', 'year'],
  [
    'ck_seasons_dates_ordered',
    (em) => seasonFactory(em, { startDate: '2024-02-01', endDate: '2024-01-01' }),
    'Season',
    'endDate',
  ],
  ['ck_events_event_number_positive', (em) => eventFactory(em, { eventNumber: 0 }), 'Event', 'eventNumber'],
  ['ck_events_buy_in_not_negative', (em) => eventFactory(em, { buyIn: -1 }), 'Event', 'buyIn'],
  ['ck_events_prize_pool_not_negative', (em) => eventFactory(em, { prizePool: -1 }), 'Event', 'prizePool'],
  ['ck_events_entries_not_negative', (em) => eventFactory(em, { entries: -3 }), 'Event', 'entries'],
  ['ck_events_currency_format', (em) => eventFactory(em, { currency: 'usd' }), 'Event', 'currency'],
  [
    'ck_events_dates_ordered',
    (em) => eventFactory(em, { startDate: '2024-02-01', endDate: '2024-01-01' }),
    'Event',
    'endDate',
  ],
  ['ck_episodes_episode_number_positive', (em) => episodeFactory(em, { episodeNumber: 0 }), 'Episode', 'episodeNumber'],
  [
    'ck_episodes_duration_not_negative',
    (em) => episodeFactory(em, { durationSeconds: -1 }),
    'Episode',
    'durationSeconds',
  ],
  [
    'ck_video_files_size_not_negative',
    (em) => videoFileFactory(em, { fileSizeBytes: -1 }),
    'VideoFile',
    'fileSizeBytes',
  ],
  [
    'ck_video_files_duration_not_negative',
    (em) => videoFileFactory(em, { durationSeconds: -1 }),
    'VideoFile',
    'durationSeconds',
  ],
  ['ck_video_files_dimensions_positive', (em) => videoFileFactory(em, { width: 0 }), 'VideoFile', 'width'],
  ['ck_video_files_frame_rate_positive', (em) => videoFileFactory(em, { frameRate: 0 }), 'VideoFile', 'frameRate'],
  ['ck_video_files_checksum_format', (em) => videoFileFactory(em, { checksum: 'abc' }), 'VideoFile', 'checksum'],
  [
    'ck_video_files_display_title_not_empty',
    (em) => videoFileFactory(em, { displayTitle: ' ' }),
    'VideoFile',
    'displayTitle',
  ],
  ['ck_hand_clips_start_not_negative', (em) => handClipFactory(em, { startSeconds: -1 }), 'HandClip', 'startSeconds'],
  [
    'ck_hand_clips_end_after_start',
    (em) => handClipFactory(em, { startSeconds: 10, endSeconds: 10 }),
    'HandClip',
    'endSeconds',
  ],
  [
    'ck_hand_clips_highlight_score_range',
    (em) => handClipFactory(em, { highlightScore: 6 }),
    'HandClip',
    'highlightScore',
  ],
  ['ck_hand_clips_pot_size_not_negative', (em) => handClipFactory(em, { potSize: -1 }), 'HandClip', 'potSize'],
  [
    'ck_hand_clips_sheet_row_positive',
    (em) => handClipFactory(em, { sheetSource: 's', sheetRowNumber: 0 }),
    'HandClip',
    'sheetRowNumber',
  ],
  ['ck_hand_clips_sheet_key_complete', (em) => handClipFactory(em, { sheetSource: 's' }), 'HandClip', 'sheetSource'],
  ['ck_tags_name_not_empty', (em) => tagFactory(em, { name: ' ' }), 'Tag', 'name'],
  ['ck_tags_category_not_empty', (em) => tagFactory(em, { category: '' }), 'Tag', 'category'],
  ['ck_tags_color_format', (em) => tagFactory(em, { color: 'red' }), 'Tag', 'color'],
  ['ck_players_name_not_empty', (em) => playerFactory(em, { name: ' ' }), 'Player', 'name'],
  ['ck_players_country_code_format', (em) => playerFactory(em, { countryCode: 'us' }), 'Player', 'countryCode'],
  [
    'ck_google_sheet_sync_rows_synced_not_negative',
    (em) => googleSheetSyncFactory(em, { rowsSynced: -1 }),
    'GoogleSheetSync',
    'rowsSynced',
  ],
];

const rowCount = async () =>
  (
    await db.query<{ n: number }>(
      `select (select count(*) from catalog.projects) + (select count(*) from catalog.seasons) + (select count(*) from catalog.events)
      + (select count(*) from catalog.episodes) + (select count(*) from catalog.video_files) + (select count(*) from catalog.hand_clips)
      + (select count(*) from catalog.tags) + (select count(*) from catalog.players) + (select count(*) from catalog.google_sheet_sync) as n`,
    )
  )[0]?.n;

describe('catalog checks: a typed CheckViolationError naming the entity and field, nothing written', () => {
  it.each(checks)('%s', async (constraint, make, entity, field) => {
    const before = await rowCount();
    const error = await make(db.em()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckViolationError);
    expect(error).toMatchObject({ entity, field, constraint });
    expect(await rowCount()).toBe(before);
  });

  it('the same checks hold for writes from outside the ORM, translated to the same typed error', async () => {
    const clip = await handClipFactory(db.em());
    const error = await db
      .query('update catalog.hand_clips set highlight_score = 0 where id = $1', [clip.id])
      .catch((e: unknown) => translateDbError(e, db.orm.getMetadata()));
    expect(error).toBeInstanceOf(CheckViolationError);
    expect(error).toMatchObject({
      entity: 'HandClip',
      field: 'highlightScore',
      constraint: 'ck_hand_clips_highlight_score_range',
    });
  });
});

describe('catalog unique, foreign key and not-null rules: typed errors', () => {
  const fromDb = (sql: string, params: unknown[]) =>
    db.query(sql, params).then(
      () => undefined,
      (e: unknown) => translateDbError(e, db.orm.getMetadata()),
    );

  it('a second live video file at the same path is a UniqueViolationError on filePath', async () => {
    const video = await videoFileFactory(db.em());
    const error = await videoFileFactory(db.em(), { filePath: video.filePath }).catch((e: unknown) =>
      translateDbError(e, db.orm.getMetadata()),
    );
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(error).toMatchObject({ entity: 'VideoFile', field: 'filePath', constraint: 'ix_video_files_file_path' });
  });

  it('a second live clip for the same sheet row is a UniqueViolationError on the sheet key', async () => {
    await handClipFactory(db.em(), { sheetSource: 'u', sheetRowNumber: 4 });
    const error = await handClipFactory(db.em(), { sheetSource: 'u', sheetRowNumber: 4 }).catch((e: unknown) =>
      translateDbError(e, db.orm.getMetadata()),
    );
    expect(error).toMatchObject({
      entity: 'HandClip',
      fields: ['sheetSource', 'sheetRowNumber'],
      constraint: 'ix_hand_clips_sheet_source_row',
    });
  });

  it('a second sync state for one sheet source is a UniqueViolationError on sheetSource', async () => {
    const sync = await googleSheetSyncFactory(db.em());
    const error = await googleSheetSyncFactory(db.em(), { sheetSource: sync.sheetSource }).catch((e: unknown) =>
      translateDbError(e, db.orm.getMetadata()),
    );
    expect(error).toMatchObject({
      entity: 'GoogleSheetSync',
      field: 'sheetSource',
      constraint: 'uq_google_sheet_sync_sheet_source',
    });
  });

  it('references to rows that do not exist are ForeignKeyViolationErrors naming the field', async () => {
    const missing = '01900000-0000-7000-8000-000000000000';
    const cases: [string, string, string][] = [
      [
        `insert into catalog.seasons (id, project_id, year, name) values (gen_random_uuid(), $1, 2024, 'x')`,
        'Season',
        'project',
      ],
      [
        `insert into catalog.events (id, season_id, event_number, name) values (gen_random_uuid(), $1, 1, 'x')`,
        'Event',
        'season',
      ],
      [
        `insert into catalog.episodes (id, event_id, episode_number, title) values (gen_random_uuid(), $1, 1, 'x')`,
        'Episode',
        'event',
      ],
      [
        `insert into catalog.video_files (id, nas_file_id, file_path, file_name, display_title) values (gen_random_uuid(), $1, '/fk', 'fk', 'fk')`,
        'VideoFile',
        'nasFile',
      ],
      [`insert into catalog.hand_clips (id, video_file_id) values (gen_random_uuid(), $1)`, 'HandClip', 'videoFile'],
      [`insert into catalog.hand_clip_tags (hand_clip_id, tag_id) values ($1, $1)`, 'HandClipTag', 'handClip'],
    ];
    for (const [sql, entity, field] of cases) {
      const error = await fromDb(sql, [missing]);
      expect(error, sql).toBeInstanceOf(ForeignKeyViolationError);
      expect(error, sql).toMatchObject({ entity, field });
    }
  });

  it('a video file links to a NAS file of the nas context, and the link survives as null if that row goes', async () => {
    const nasFile = await nasFileFactory(db.em());
    const video = await videoFileFactory(db.em(), { nasFile });
    await db.query('delete from nas.nas_files where id = $1', [nasFile.id]);
    expect(await db.query('select nas_file_id from catalog.video_files where id = $1', [video.id])).toEqual([
      { nas_file_id: null },
    ]);
  });

  it('a missing required field is a NotNullViolationError naming it', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: deliberately missing
    const error = await projectFactory(db.em(), { name: undefined as any }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotNullViolationError);
    expect(error).toMatchObject({ entity: 'Project', field: 'name' });
    const fromSql = await fromDb(`insert into catalog.tags (id, category) values (gen_random_uuid(), 'x')`, []);
    expect(fromSql).toBeInstanceOf(NotNullViolationError);
    expect(fromSql).toMatchObject({ entity: 'Tag', field: 'name' });
  });
});
