import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { defineChecks, notDeletedFilter, updatedAtTrigger } from '@tessera/kernel';
import { catalogBase, NOT_DELETED } from './common.ts';
import { Episode } from './episode.entity.ts';
import { HandClipPlayer } from './hand-clip-player.entity.ts';
import { HandClipTag } from './hand-clip-tag.entity.ts';
import { VideoFile } from './video-file.entity.ts';

const checks = defineChecks('HandClip', 'catalog.hand_clips', [
  {
    name: 'start_not_negative',
    property: 'startSeconds',
    expression: 'start_seconds >= 0',
    test: (v: number) => v >= 0,
    message: 'must not be negative',
  },
  {
    name: 'end_after_start',
    property: 'endSeconds',
    expression: 'end_seconds > start_seconds',
    test: (v: number, e) => e.startSeconds === null || e.startSeconds === undefined || v > Number(e.startSeconds),
    message: 'must be after startSeconds',
  },
  {
    name: 'highlight_score_range',
    property: 'highlightScore',
    expression: 'highlight_score >= 1 and highlight_score <= 5',
    test: (v: number) => Number.isInteger(v) && v >= 1 && v <= 5,
    message: 'must be a whole number from 1 to 5',
  },
  {
    name: 'pot_size_not_negative',
    property: 'potSize',
    expression: 'pot_size >= 0',
    test: (v: number) => v >= 0,
    message: 'must not be negative',
  },
  {
    name: 'sheet_row_positive',
    property: 'sheetRowNumber',
    expression: 'sheet_row_number >= 1',
    test: (v: number) => Number.isInteger(v) && v >= 1,
    message: 'must be 1 or more',
  },
  {
    // A sheet row is identified by both: one without the other could never be upserted again.
    name: 'sheet_key_complete',
    property: 'sheetSource',
    expression: '(sheet_source is null) = (sheet_row_number is null)',
    test: (v: unknown, e) =>
      (v === null || v === undefined) === (e.sheetRowNumber === null || e.sheetRowNumber === undefined),
    message: 'sheetSource and sheetRowNumber must be given together',
    testNull: true,
  },
]);

/** One analysed poker hand in a video, possibly imported from a sheet row. 16 columns. */
export const HandClip = defineEntity({
  name: 'HandClip',
  tableName: 'hand_clips',
  schema: 'catalog',
  properties: {
    ...catalogBase(),
    episode: () => p.manyToOne(Episode).nullable().deleteRule('cascade').index('ix_hand_clips_episode_id'),
    videoFile: () => p.manyToOne(VideoFile).nullable().deleteRule('set null').index('ix_hand_clips_video_file_id'),
    handNumber: p.integer().nullable(),
    title: p.string().length(300).nullable(),
    startSeconds: p.decimal('number').precision(10).scale(3).nullable(),
    endSeconds: p.decimal('number').precision(10).scale(3).nullable(),
    notes: p.text().nullable(),
    /** The community cards, e.g. "Ah Kd 7c 2s 9h". */
    board: p.string().length(20).nullable(),
    potSize: p.decimal('number').precision(14).scale(2).nullable(),
    highlightScore: p.smallint().nullable(),
    sheetSource: p.string().length(200).nullable(),
    sheetRowNumber: p.integer().nullable(),
    tags: () => p.oneToMany(HandClipTag).mappedBy('handClip'),
    players: () => p.oneToMany(HandClipPlayer).mappedBy('handClip'),
  },
  uniques: [
    { name: 'ix_hand_clips_sheet_source_row', properties: ['sheetSource', 'sheetRowNumber'], where: NOT_DELETED },
  ],
  checks,
  triggers: [updatedAtTrigger('hand_clips')],
  filters: notDeletedFilter,
});

/** A loaded hand clip. */
export type IHandClip = InferEntity<typeof HandClip>;
