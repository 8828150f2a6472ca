import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { defineChecks, notDeletedFilter, updatedAtTrigger } from '@tessera/kernel';
import { catalogBase } from './common.ts';
import { Event } from './event.entity.ts';
import { HandClip } from './hand-clip.entity.ts';
import { VideoFile } from './video-file.entity.ts';

const checks = defineChecks('Episode', 'catalog.episodes', [
  {
    name: 'episode_number_positive',
    property: 'episodeNumber',
    expression: 'episode_number >= 1',
    test: (v: number) => Number.isInteger(v) && v >= 1,
    message: 'must be 1 or more',
  },
  {
    name: 'duration_not_negative',
    property: 'durationSeconds',
    expression: 'duration_seconds >= 0',
    test: (v: number) => Number.isInteger(v) && v >= 0,
    message: 'must be a whole number of seconds, 0 or more',
  },
]);

/** One broadcast unit of an event, e.g. "Day 2, part 1". 12 columns. */
export const Episode = defineEntity({
  name: 'Episode',
  tableName: 'episodes',
  schema: 'catalog',
  properties: {
    ...catalogBase(),
    event: () => p.manyToOne(Event).deleteRule('cascade').index('ix_episodes_event_id'),
    episodeNumber: p.integer(),
    title: p.string().length(300),
    description: p.text().nullable(),
    /** e.g. "Day 1A", "Final Table". */
    dayLabel: p.string().length(50).nullable(),
    airDate: p.date().nullable(),
    durationSeconds: p.integer().nullable(),
    isPublished: p.boolean().default(false),
    videoFiles: () => p.oneToMany(VideoFile).mappedBy('episode'),
    handClips: () => p.oneToMany(HandClip).mappedBy('episode'),
  },
  checks,
  triggers: [updatedAtTrigger('episodes')],
  filters: notDeletedFilter,
});

/** A loaded episode. */
export type IEpisode = InferEntity<typeof Episode>;
