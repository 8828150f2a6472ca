import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { defineChecks, notDeletedFilter, updatedAtTrigger } from '@tessera/kernel';
import { NasFile } from '@tessera/nas';
import { catalogBase, NOT_DELETED } from './common.ts';
import { Episode } from './episode.entity.ts';

/** Which cut of an episode a file is. */
export const VIDEO_VERSION_TYPES = ['raw', 'clean', 'mastered', 'stream', 'clip'] as const;

/** One of {@link VIDEO_VERSION_TYPES}. */
export type VideoVersionType = (typeof VIDEO_VERSION_TYPES)[number];

const checks = defineChecks('VideoFile', 'catalog.video_files', [
  {
    name: 'size_not_negative',
    property: 'fileSizeBytes',
    expression: 'file_size_bytes >= 0',
    test: (v: number) => v >= 0,
    message: 'must not be negative',
  },
  {
    name: 'duration_not_negative',
    property: 'durationSeconds',
    expression: 'duration_seconds >= 0',
    test: (v: number) => v >= 0,
    message: 'must not be negative',
  },
  {
    name: 'dimensions_positive',
    property: 'width',
    expression: 'width > 0 and height > 0',
    test: (v: number, e) => v > 0 && (e.height === null || e.height === undefined || Number(e.height) > 0),
    message: 'width and height must be more than 0',
  },
  {
    name: 'frame_rate_positive',
    property: 'frameRate',
    expression: 'frame_rate > 0',
    test: (v: number) => v > 0,
    message: 'must be more than 0',
  },
  {
    name: 'checksum_format',
    property: 'checksum',
    expression: "checksum ~ '^[0-9a-f]{64}$'",
    test: (v: string) => /^[0-9a-f]{64}$/.test(v),
    message: 'must be a SHA-256 digest in lower-case hex',
  },
  {
    name: 'display_title_not_empty',
    property: 'displayTitle',
    expression: 'length(trim(both from display_title)) > 0',
    test: (v: string) => v.trim().length > 0,
    message: 'must not be empty',
  },
]);

/** A video file of an episode with its technical metadata, linked to the NAS file. 22 columns. */
export const VideoFile = defineEntity({
  name: 'VideoFile',
  tableName: 'video_files',
  schema: 'catalog',
  properties: {
    ...catalogBase(),
    episode: () => p.manyToOne(Episode).nullable().deleteRule('set null').index('ix_video_files_episode_id'),
    // The NAS inventory never deletes a file row (it marks it missing), so this link survives re-scans.
    nasFile: () => p.manyToOne(NasFile).nullable().deleteRule('set null').index('ix_video_files_nas_file_id'),
    filePath: p.text(),
    fileName: p.string().length(255),
    displayTitle: p.string().length(300),
    fileSizeBytes: p.bigint('number').nullable(),
    durationSeconds: p.decimal('number').precision(10).scale(3).nullable(),
    container: p.string().length(16).nullable(),
    videoCodec: p.string().length(32).nullable(),
    audioCodec: p.string().length(32).nullable(),
    width: p.integer().nullable(),
    height: p.integer().nullable(),
    frameRate: p.decimal('number').precision(6).scale(3).nullable(),
    bitrateKbps: p.integer().nullable(),
    checksum: p.string().length(64).nullable(),
    versionType: p.enum(VIDEO_VERSION_TYPES).default('clean'),
    isPrimary: p.boolean().default(false),
    /** When the technical metadata was last read from the file (ffprobe). */
    probedAt: p.datetime().columnType('timestamptz').nullable(),
  },
  uniques: [{ name: 'ix_video_files_file_path', properties: ['filePath'], where: NOT_DELETED }],
  checks,
  triggers: [updatedAtTrigger('video_files')],
  filters: notDeletedFilter,
});

/** A loaded video file. */
export type IVideoFile = InferEntity<typeof VideoFile>;
