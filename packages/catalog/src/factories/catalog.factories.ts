import { faker } from '@faker-js/faker';
import type { EntityData } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Factory } from '@mikro-orm/seeder';
import { uniqueSuffix } from '@tessera/kernel';
import { Episode, type IEpisode } from '../entities/episode.entity.ts';
import { Event, type IEvent } from '../entities/event.entity.ts';
import { GoogleSheetSync, type IGoogleSheetSync } from '../entities/google-sheet-sync.entity.ts';
import { HandClip, type IHandClip } from '../entities/hand-clip.entity.ts';
import { type IPlayer, Player } from '../entities/player.entity.ts';
import { type IProject, Project } from '../entities/project.entity.ts';
import { type ISeason, Season } from '../entities/season.entity.ts';
import { type ITag, Tag } from '../entities/tag.entity.ts';
import { type IVideoFile, VideoFile } from '../entities/video-file.entity.ts';

/** Projects with a unique `PROJECT_<n>` code and a company name. */
export class ProjectFactory extends Factory<IProject> {
  readonly model = Project;
  protected definition(): EntityData<IProject> {
    return {
      code: `PROJECT_${uniqueSuffix().toUpperCase()}`,
      name: faker.company.name(),
      description: null,
      nasBasePath: null,
      isActive: true,
    };
  }
}

/** Seasons named "<year> Season"; a new project unless `project` is given. */
export class SeasonFactory extends Factory<ISeason> {
  readonly model = Season;
  protected definition(input?: EntityData<ISeason>): EntityData<ISeason> {
    // Declared with a parameter, so the seeder passes overrides here and does not merge them itself.
    const given = input ?? {};
    const year = (given.year as number | undefined) ?? faker.number.int({ min: 2003, max: 2025 });
    return {
      project: given.project ?? new ProjectFactory(this.em).makeOne(),
      name: `${year} Season`,
      year,
      location: faker.location.city(),
      startDate: null,
      endDate: null,
      ...given,
    };
  }
}

/** Tournament events with a buy-in, field and prize pool; a new season unless `season` is given. */
export class EventFactory extends Factory<IEvent> {
  readonly model = Event;
  protected definition(input?: EntityData<IEvent>): EntityData<IEvent> {
    // Declared with a parameter, so the seeder passes overrides here and does not merge them itself.
    const given = input ?? {};
    const buyIn = faker.helpers.arrayElement([1500, 5000, 10000, 25000]);
    const entries = faker.number.int({ min: 50, max: 8000 });
    return {
      season: given.season ?? new SeasonFactory(this.em).makeOne(),
      eventNumber: faker.number.int({ min: 1, max: 99 }),
      name: `$${buyIn.toLocaleString('en')} ${faker.helpers.arrayElement(["No-Limit Hold'em", 'Pot-Limit Omaha'])}`,
      eventType: 'side_event',
      gameType: 'NLHE',
      buyIn,
      currency: 'USD',
      prizePool: buyIn * entries * 0.9,
      entries,
      ...given,
    };
  }
}

/** Episodes ("Day 1A, part 1"); a new event unless `event` is given. */
export class EpisodeFactory extends Factory<IEpisode> {
  readonly model = Episode;
  protected definition(input?: EntityData<IEpisode>): EntityData<IEpisode> {
    // Declared with a parameter, so the seeder passes overrides here and does not merge them itself.
    const given = input ?? {};
    return {
      event: given.event ?? new EventFactory(this.em).makeOne(),
      episodeNumber: faker.number.int({ min: 1, max: 30 }),
      title: faker.lorem.words(4),
      dayLabel: faker.helpers.arrayElement(['Day 1A', 'Day 2', 'Final Table']),
      durationSeconds: faker.number.int({ min: 1800, max: 14400 }),
      isPublished: false,
      ...given,
    };
  }
}

/** Video files at a unique path, with broadcast-like technical metadata; no NAS link unless `nasFile` is given. */
export class VideoFileFactory extends Factory<IVideoFile> {
  readonly model = VideoFile;
  protected definition(): EntityData<IVideoFile> {
    const name = `${faker.word.noun()}_${uniqueSuffix()}.mp4`;
    return {
      episode: null,
      nasFile: null,
      filePath: `/nas/video/${name}`,
      fileName: name,
      displayTitle: faker.lorem.words(5),
      fileSizeBytes: faker.number.int({ min: 100_000_000, max: 20_000_000_000 }),
      durationSeconds: faker.number.int({ min: 600, max: 14400 }),
      container: 'mp4',
      videoCodec: 'h264',
      audioCodec: 'aac',
      width: 1920,
      height: 1080,
      frameRate: 29.97,
      bitrateKbps: 8000,
      versionType: 'clean',
      isPrimary: true,
    };
  }
}

/** Hand clips with a timecode range and notes; not from a sheet unless `sheetSource`/`sheetRowNumber` are given. */
export class HandClipFactory extends Factory<IHandClip> {
  readonly model = HandClip;
  protected definition(): EntityData<IHandClip> {
    const start = faker.number.int({ min: 0, max: 10000 });
    return {
      episode: null,
      videoFile: null,
      handNumber: faker.number.int({ min: 1, max: 400 }),
      title: faker.lorem.words(3),
      startSeconds: start,
      endSeconds: start + faker.number.int({ min: 30, max: 600 }),
      notes: faker.lorem.sentence(),
      board: 'Ah Kd 7c 2s 9h',
      potSize: faker.number.int({ min: 1000, max: 5_000_000 }),
      highlightScore: faker.number.int({ min: 1, max: 5 }),
      sheetSource: null,
      sheetRowNumber: null,
    };
  }
}

/** Tags with a unique name in a category such as `action`. */
export class TagFactory extends Factory<ITag> {
  readonly model = Tag;
  protected definition(): EntityData<ITag> {
    return {
      category: faker.helpers.arrayElement(['action', 'street', 'result']),
      name: `${faker.word.verb()}_${uniqueSuffix()}`,
      description: null,
      color: null,
    };
  }
}

/** Players with a full name and a country. */
export class PlayerFactory extends Factory<IPlayer> {
  readonly model = Player;
  protected definition(): EntityData<IPlayer> {
    return {
      name: faker.person.fullName(),
      nickname: null,
      countryCode: faker.location.countryCode('alpha-2'),
      isProfessional: faker.datatype.boolean(),
      externalId: null,
    };
  }
}

/** Sync states of a unique sheet source, idle. */
export class GoogleSheetSyncFactory extends Factory<IGoogleSheetSync> {
  readonly model = GoogleSheetSync;
  protected definition(): EntityData<IGoogleSheetSync> {
    return {
      sheetSource: `sheet-${uniqueSuffix()}`,
      status: 'idle',
      rowsSynced: 0,
      lastSyncedAt: null,
      lastError: null,
    };
  }
}

/** A factory tests call: persists (and flushes) one valid row built by `Builder`, with any field overridden. */
function persisting<T extends object>(Builder: new (em: EntityManager) => Factory<T>) {
  return (em: EntityManager, overrides: EntityData<T> = {}): Promise<T> => new Builder(em).createOne(overrides);
}

// The classes above build rows without writing them, for the seeder's batched inserts; tests call these.
/** Persists one Project; override any field. */
export const projectFactory = persisting<IProject>(ProjectFactory);
/** Persists one Season; override any field. */
export const seasonFactory = persisting<ISeason>(SeasonFactory);
/** Persists one Event; override any field. */
export const eventFactory = persisting<IEvent>(EventFactory);
/** Persists one Episode; override any field. */
export const episodeFactory = persisting<IEpisode>(EpisodeFactory);
/** Persists one VideoFile; override any field. */
export const videoFileFactory = persisting<IVideoFile>(VideoFileFactory);
/** Persists one HandClip; override any field. */
export const handClipFactory = persisting<IHandClip>(HandClipFactory);
/** Persists one Tag; override any field. */
export const tagFactory = persisting<ITag>(TagFactory);
/** Persists one Player; override any field. */
export const playerFactory = persisting<IPlayer>(PlayerFactory);
/** Persists one GoogleSheetSync; override any field. */
export const googleSheetSyncFactory = persisting<IGoogleSheetSync>(GoogleSheetSyncFactory);
