import type { EntityManager } from '@mikro-orm/postgresql';
import { type Seeder, type SeedReport, tally } from '@tessera/kernel';
import { type INasFile, NasFile } from '@tessera/nas';
import { DEMO_FILES_PER_FOLDER } from '@tessera/nas/seed';
import {
  EpisodeFactory,
  EventFactory,
  HandClipFactory,
  PlayerFactory,
  ProjectFactory,
  SeasonFactory,
  TagFactory,
  VideoFileFactory,
} from './factories/catalog.factories.ts';
import {
  Episode,
  Event,
  HandClip,
  HandClipPlayer,
  HandClipTag,
  type IEpisode,
  type IPlayer,
  type ITag,
  type IVideoFile,
  Player,
  Project,
  Season,
  Tag,
  VideoFile,
} from './index.ts';

/** The demo project's code: its natural key. */
export const DEMO_PROJECT_CODE = 'DEMO_WSOP';
/** Events per demo season, episodes per event, hand clips per video file, players per unit of `--scale`. */
export const DEMO_EVENTS_PER_SEASON = 2;
export const DEMO_EPISODES_PER_EVENT = 2;
export const DEMO_CLIPS_PER_VIDEO = 2;
export const DEMO_PLAYERS_PER_SCALE = 10;
const DEMO_SHEET = 'demo-seed';

const TAGS = [
  { category: 'action', name: 'bluff', color: '#e11d48' },
  { category: 'action', name: 'hero_call', color: '#2563eb' },
  { category: 'street', name: 'river', color: '#16a34a' },
  { category: 'result', name: 'cooler', color: '#9333ea' },
] as const;

/** Finds `keys` among `existing`, creates the rest with `make`, and returns all of them by key. */
function ensure<T>(
  existing: Iterable<T>,
  keyOf: (row: T) => string,
  keys: readonly string[],
  make: (key: string) => T,
) {
  const byKey = new Map<string, T>();
  for (const row of existing) byKey.set(keyOf(row), row);
  const before = byKey.size;
  for (const key of keys) if (!byKey.has(key)) byKey.set(key, make(key));
  return { byKey, created: byKey.size - before, existing: before };
}

/** Rows found or made by {@link ensure}, by key. */
type Ensured<T> = ReturnType<typeof ensure<T>>;

/** The demo project, its seasons (one per unit of `scale`), their events and the events' episodes. */
async function seedTree(em: EntityManager, scale: number, report: SeedReport) {
  const project =
    (await em.findOne(Project, { code: DEMO_PROJECT_CODE })) ??
    new ProjectFactory(em).makeOne({ code: DEMO_PROJECT_CODE, name: 'Demo World Series', nasBasePath: '/nas/demo' });
  const seasonKeys = Array.from({ length: scale }, (_, k) => `Demo Season ${String(k).padStart(5, '0')}`);
  const seasons = ensure(
    await em.find(Season, { project, name: { $in: seasonKeys } }),
    (s) => s.name,
    seasonKeys,
    (name) => new SeasonFactory(em).makeOne({ project, name, year: 2000 + (Number(name.slice(-5)) % 100) }),
  );
  tally(report, 'seasons', seasons.created, seasons.existing);

  const eventKeys = seasonKeys.flatMap((s) =>
    Array.from({ length: DEMO_EVENTS_PER_SEASON }, (_, e) => `${s}/${e + 1}`),
  );
  const events = ensure(
    await em.find(Event, { season: { $in: [...seasons.byKey.values()] } }, { populate: ['season'] }),
    (e) => `${e.season.name}/${e.eventNumber}`,
    eventKeys,
    (key) => {
      const [season, n] = key.split('/') as [string, string];
      return new EventFactory(em).makeOne({ season: seasons.byKey.get(season), eventNumber: Number(n) });
    },
  );
  tally(report, 'events', events.created, events.existing);

  const episodeKeys = eventKeys.flatMap((e) =>
    Array.from({ length: DEMO_EPISODES_PER_EVENT }, (_, n) => `${e}/${n + 1}`),
  );
  const episodes = ensure(
    await em.find(Episode, { event: { $in: [...events.byKey.values()] } }, { populate: ['event.season'] }),
    (ep) => `${ep.event.season.name}/${ep.event.eventNumber}/${ep.episodeNumber}`,
    episodeKeys,
    (key) => {
      const cut = key.lastIndexOf('/');
      return new EpisodeFactory(em).makeOne({
        event: events.byKey.get(key.slice(0, cut)),
        episodeNumber: Number(key.slice(cut + 1)),
      });
    },
  );
  tally(report, 'episodes', episodes.created, episodes.existing);
  await em.flush();
  return [...episodes.byKey.values()];
}

/** The demo tags, by `category:name`. */
async function seedTags(em: EntityManager, report: SeedReport) {
  const key = (t: { category: string; name: string }) => `${t.category}:${t.name}`;
  const tags = ensure(
    await em.find(Tag, { $or: TAGS.map((t) => ({ category: t.category, name: t.name })) }),
    key,
    TAGS.map(key),
    (k) => new TagFactory(em).makeOne(TAGS.find((t) => key(t) === k)),
  );
  tally(report, 'tags', tags.created, tags.existing);
  return tags;
}

/** `DEMO_PLAYERS_PER_SCALE × scale` demo players, by name. */
async function seedPlayers(em: EntityManager, scale: number, report: SeedReport) {
  const names = Array.from(
    { length: DEMO_PLAYERS_PER_SCALE * scale },
    (_, i) => `Demo Player ${String(i).padStart(5, '0')}`,
  );
  const players = ensure(
    await em.find(Player, { name: { $in: names } }),
    (p) => p.name,
    names,
    (name) => new PlayerFactory(em).makeOne({ name, countryCode: 'US' }),
  );
  tally(report, 'players', players.created, players.existing);
  return players;
}

/**
 * A video file for each file of the NAS demo tree (one folder per season, DEMO_FILES_PER_FOLDER videos each, see
 * the nas context's seed), at the same path, linked to it and to an episode. Returns the NAS files in path order
 * and the video files by path.
 */
async function seedVideoFiles(em: EntityManager, episodes: readonly IEpisode[], report: SeedReport) {
  const nasFiles = await em.find(
    NasFile,
    { filePath: { $like: '/nas/demo/event-%' } },
    { orderBy: { filePath: 'asc' } },
  );
  const videos = ensure(
    await em.find(VideoFile, { filePath: { $in: nasFiles.map((f) => f.filePath) } }),
    (v) => v.filePath,
    nasFiles.map((f) => f.filePath),
    (filePath) => {
      const i = nasFiles.findIndex((f) => f.filePath === filePath);
      const file = nasFiles[i] as INasFile;
      return new VideoFileFactory(em).makeOne({
        filePath,
        fileName: filePath.slice(filePath.lastIndexOf('/') + 1),
        nasFile: file,
        episode: episodes[Math.floor(i / DEMO_FILES_PER_FOLDER) * 4 + (i % 4)] ?? null,
      });
    },
  );
  tally(report, 'video files', videos.created, videos.existing);
  await em.flush();
  return { nasFiles, videos };
}

/**
 * `DEMO_CLIPS_PER_VIDEO` hand clips per video file, keyed by (demo sheet, row); a new clip gets one tag and two
 * players (the first one the winner), picked round-robin by its row.
 */
async function seedHandClips(
  em: EntityManager,
  nasFiles: readonly INasFile[],
  videos: Ensured<IVideoFile>,
  tags: Ensured<ITag>,
  players: Ensured<IPlayer>,
  report: SeedReport,
) {
  const tagList = [...tags.byKey.values()];
  const playerList = [...players.byKey.values()];
  const clipRows = nasFiles.flatMap((_, i) =>
    Array.from({ length: DEMO_CLIPS_PER_VIDEO }, (_, c) => i * DEMO_CLIPS_PER_VIDEO + c + 1),
  );
  const clips = ensure(
    await em.find(HandClip, { sheetSource: DEMO_SHEET, sheetRowNumber: { $in: clipRows } }),
    (c) => String(c.sheetRowNumber),
    clipRows.map(String),
    (row) => {
      const n = Number(row);
      const video = videos.byKey.get((nasFiles[Math.floor((n - 1) / DEMO_CLIPS_PER_VIDEO)] as INasFile).filePath);
      const clip = new HandClipFactory(em).makeOne({
        sheetSource: DEMO_SHEET,
        sheetRowNumber: n,
        handNumber: n,
        videoFile: video ?? null,
        episode: video?.episode ?? null,
      });
      em.create(HandClipTag, { handClip: clip, tag: tagList[n % tagList.length] as ITag });
      em.create(HandClipPlayer, {
        handClip: clip,
        player: playerList[n % playerList.length] as IPlayer,
        isWinner: true,
      });
      em.create(HandClipPlayer, {
        handClip: clip,
        player: playerList[(n + 1) % playerList.length] as IPlayer,
        isWinner: false,
      });
      return clip;
    },
  );
  await em.flush();
  tally(report, 'hand clips', clips.created, clips.existing);
}

/**
 * A demo catalog: project `DEMO_WSOP` with one season per unit of `--scale`, each with 2 events of 2 episodes;
 * a video file for each NAS demo file (same path, linked to it and to an episode) with 2 hand clips each, tagged
 * and with two players. Found again by project code, season name, event and episode numbers, file path, the
 * clips' (sheet source, row) key, player name and tag (category, name); only new clips get tags and players.
 */
export const catalogSeeder: Seeder = {
  async run({ em, scale }) {
    const report: SeedReport = {};
    const episodes = await seedTree(em, scale, report);
    const tags = await seedTags(em, report);
    const players = await seedPlayers(em, scale, report);
    const { nasFiles, videos } = await seedVideoFiles(em, episodes, report);
    await seedHandClips(em, nasFiles, videos, tags, players, report);
    return report;
  },
};

/** The context's seeder, as its `seed` loader hands it to the platform. */
export { catalogSeeder as seeder };
