import type { EntityManager } from '@mikro-orm/postgresql';
import {
  BatchValidationError,
  declareConsistency,
  type EntityFieldError,
  flushOrDetach,
  isUuid,
  NotFoundError,
  newId,
  Repository,
  sql,
  ValidationError,
  validateEntity,
  validateId,
  validateRows,
} from '@tessera/kernel';
import { Episode } from '../entities/episode.entity.ts';
import { HandClip, type IHandClip } from '../entities/hand-clip.entity.ts';
import { HandClipPlayer } from '../entities/hand-clip-player.entity.ts';
import { type IPlayer, Player } from '../entities/player.entity.ts';
import { type ITag, Tag } from '../entities/tag.entity.ts';
import { VideoFile } from '../entities/video-file.entity.ts';

/** A new hand clip. */
export interface HandClipInput {
  episodeId?: string | null;
  videoFileId?: string | null;
  handNumber?: number | null;
  title?: string | null;
  startSeconds?: number | null;
  endSeconds?: number | null;
  notes?: string | null;
  board?: string | null;
  potSize?: number | null;
  highlightScore?: number | null;
  sheetSource?: string | null;
  sheetRowNumber?: number | null;
}

/** A tag by its natural key. */
export interface TagKey {
  category: string;
  name: string;
}

/** A player of a hand, and whether they won it. */
export interface HandPlayer {
  playerId: string;
  isWinner?: boolean;
}

/** A hand clip as {@link HandClipRepository.getHandClip} returns it: a plain, typed row (relations as ids). */
export interface HandClipRecord {
  id: string;
  episodeId: string | null;
  videoFileId: string | null;
  handNumber: number | null;
  title: string | null;
  startSeconds: number | null;
  endSeconds: number | null;
  notes: string | null;
  board: string | null;
  potSize: number | null;
  highlightScore: number | null;
  sheetSource: string | null;
  sheetRowNumber: number | null;
  createdAt: Date;
  updatedAt: Date;
}

const HAND_CLIP_BY_ID =
  'select id, episode_id as "episodeId", video_file_id as "videoFileId", hand_number as "handNumber", title, ' +
  'start_seconds as "startSeconds", end_seconds as "endSeconds", notes, board, pot_size as "potSize", ' +
  'highlight_score as "highlightScore", sheet_source as "sheetSource", sheet_row_number as "sheetRowNumber", ' +
  'created_at as "createdAt", updated_at as "updatedAt" from catalog.hand_clips where id = $1 and deleted_at is null';

type HandClipRow = Omit<HandClipRecord, 'startSeconds' | 'endSeconds' | 'potSize' | 'createdAt' | 'updatedAt'> & {
  startSeconds: string | null;
  endSeconds: string | null;
  potSize: string | null;
  createdAt: string;
  updatedAt: string;
};

const decimal = (v: string | null) => (v === null ? null : Number(v));

/** A tag as {@link HandClipRepository.createTag} returns it: a plain, typed row. */
export interface TagRecord {
  id: string;
  category: string;
  name: string;
  description: string | null;
  color: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Hand clips, the tag master list, players, and the links between them. */
export class HandClipRepository extends Repository {
  /** Creates a tag; a live tag with the same category and name is a UniqueViolationError. */
  async createTag(input: TagKey & { description?: string | null; color?: string | null }): Promise<TagRecord> {
    const data = { ...input, description: input.description ?? null, color: input.color ?? null };
    validateEntity(this.em.getMetadata(Tag), data);
    // One INSERT … RETURNING; a live tag with the same key is the unique index's violation, translated.
    const [row] = await sql<Omit<TagRecord, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string }>(
      this.em,
      {
        text:
          'insert into catalog.tags (id, category, name, description, color) values ($1, $2, $3, $4, $5) ' +
          'returning id, category, name, description, color, created_at as "createdAt", updated_at as "updatedAt"',
        values: [newId(), data.category, data.name, data.description, data.color],
        name: 'catalog.tags.insert',
      },
    );
    // A plain record (no hydration into the unit of work); MikroORM's pool leaves timestamps as text.
    const tag = row as unknown as TagRecord;
    tag.createdAt = new Date(row?.createdAt as string);
    tag.updatedAt = new Date(row?.updatedAt as string);
    return tag;
  }

  /** The live (not soft-deleted) hand clip with this id; NotFoundError otherwise. One named statement, a plain row. */
  async getHandClip(id: string): Promise<HandClipRecord> {
    validateId('HandClip', 'id', id);
    const [row] = await sql<HandClipRow>(this.em, {
      text: HAND_CLIP_BY_ID,
      values: [id],
      name: 'catalog.hand_clips.by_id',
    });
    if (!row) throw new NotFoundError('HandClip', { id });
    // numeric and timestamps arrive as text (MikroORM's pool); the entity maps them to numbers and dates.
    const clip = row as unknown as HandClipRecord;
    clip.startSeconds = decimal(row.startSeconds);
    clip.endSeconds = decimal(row.endSeconds);
    clip.potSize = decimal(row.potSize);
    clip.createdAt = new Date(row.createdAt);
    clip.updatedAt = new Date(row.updatedAt);
    return clip;
  }

  /** Creates a player. */
  async createPlayer(input: {
    name: string;
    nickname?: string | null;
    countryCode?: string | null;
    isProfessional?: boolean;
    externalId?: string | null;
  }): Promise<IPlayer> {
    const player = this.em.create(Player, {
      name: input.name,
      nickname: input.nickname ?? null,
      countryCode: input.countryCode ?? null,
      isProfessional: input.isProfessional ?? false,
      externalId: input.externalId ?? null,
    });
    await flushOrDetach(this.em, [player]);
    return player;
  }

  /** Creates a hand clip; its episode and video file, when given, must exist (else ForeignKeyViolationError). */
  async createHandClip(input: HandClipInput): Promise<IHandClip> {
    const { episodeId, videoFileId, ...fields } = input;
    const clip = this.em.create(HandClip, {
      handNumber: null,
      title: null,
      startSeconds: null,
      endSeconds: null,
      notes: null,
      board: null,
      potSize: null,
      highlightScore: null,
      sheetSource: null,
      sheetRowNumber: null,
      ...fields,
      episode: episodeId ? this.em.getReference(Episode, episodeId) : null,
      videoFile: videoFileId ? this.em.getReference(VideoFile, videoFileId) : null,
    });
    await flushOrDetach(this.em, [clip]);
    return clip;
  }

  /**
   * Tags a hand clip with existing tags (by category and name). Every tag must exist, else NotFoundError
   * naming it and nothing is tagged; tagging twice is a no-op. Returns the clip's tags.
   */
  async tag(handClipId: string, tags: readonly TagKey[]): Promise<ITag[]> {
    await this.liveClip(handClipId);
    const found =
      tags.length === 0
        ? []
        : await this.em.find(Tag, { $or: tags.map((t) => ({ category: t.category, name: t.name })) });
    const missing = tags.find((t) => !found.some((f) => f.category === t.category && f.name === t.name));
    if (missing) throw new NotFoundError('Tag', { category: missing.category, name: missing.name });
    if (found.length > 0) {
      await sql(this.em, {
        text: `insert into catalog.hand_clip_tags (hand_clip_id, tag_id) select $1, unnest($2::uuid[]) on conflict do nothing`,
        values: [handClipId, found.map((t) => t.id)],
      });
    }
    return this.tagsOf(handClipId);
  }

  /** Removes tags from a hand clip; returns how many links were removed. Every id must be a UUID (ValidationError). */
  async untag(handClipId: string, tagIds: readonly string[]): Promise<number> {
    validateId('HandClipTag', 'handClip', handClipId);
    if (!Array.isArray(tagIds)) throw new ValidationError('HandClipTag', 'tag', 'tagIds must be an array of UUIDs');
    tagIds.forEach((id, i) => {
      if (!isUuid(id)) throw new ValidationError('HandClipTag', 'tag', `tagIds[${i}] must be a UUID`);
    });
    const rows = await sql(this.em, {
      text: 'delete from catalog.hand_clip_tags where hand_clip_id = $1 and tag_id = any($2::uuid[]) returning 1',
      values: [handClipId, [...tagIds]],
    });
    return rows.length;
  }

  /**
   * Links players to a hand clip (re-linking updates `isWinner`). All or nothing: a bad entry (an id that is not a
   * UUID, a non-boolean `isWinner`, the same player twice) is a BatchValidationError listing every bad entry by its
   * index and field, and a player that does not exist is a ForeignKeyViolationError on player; nothing is linked.
   */
  async linkPlayers(handClipId: string, players: readonly HandPlayer[]): Promise<IPlayer[]> {
    validateId('HandClipPlayer', 'handClip', handClipId);
    checkPlayerRows(this.em, handClipId, players);
    await this.liveClip(handClipId);
    if (players.length > 0) {
      await sql(this.em, {
        text: `insert into catalog.hand_clip_players (hand_clip_id, player_id, is_winner)
         select $1, p, w from unnest($2::uuid[], $3::boolean[]) as t(p, w)
         on conflict (hand_clip_id, player_id) do update set is_winner = excluded.is_winner
         where hand_clip_players.is_winner <> excluded.is_winner`,
        values: [handClipId, players.map((p) => p.playerId), players.map((p) => p.isWinner ?? false)],
      });
    }
    return (await this.playersOf(handClipId)).map((p) => p.player);
  }

  /** The live tags of a clip, by category and name. */
  async tagsOf(handClipId: string): Promise<ITag[]> {
    return this.em.find(
      Tag,
      { id: { $in: await this.linked('hand_clip_tags', 'tag_id', handClipId) } },
      { orderBy: { category: 'asc', name: 'asc' } },
    );
  }

  /** The live players of a clip, by name, with whether each won. */
  async playersOf(handClipId: string): Promise<{ player: IPlayer; isWinner: boolean }[]> {
    const links = await sql<{ player_id: string; is_winner: boolean }>(this.em, {
      text: 'select player_id, is_winner from catalog.hand_clip_players where hand_clip_id = $1',
      values: [handClipId],
    });
    const players = await this.em.find(
      Player,
      { id: { $in: links.map((l) => l.player_id) } },
      { orderBy: { name: 'asc' } },
    );
    return players.map((player) => ({
      player,
      isWinner: links.find((l) => l.player_id === player.id)?.is_winner ?? false,
    }));
  }

  private async linked(table: string, column: string, handClipId: string): Promise<string[]> {
    const rows = await sql<{ id: string }>(this.em, {
      text: `select ${column} as id from catalog.${table} where hand_clip_id = $1`,
      values: [handClipId],
    });
    return rows.map((r) => r.id);
  }

  private async liveClip(id: string): Promise<void> {
    validateId('HandClip', 'id', id);
    const clip = await this.em.findOne(HandClip, { id }, { fields: ['id'] });
    if (!clip) throw new NotFoundError('HandClip', { id });
  }
}

/** Validates a linkPlayers call: every entry by the link's metadata, and no player twice (row and field named). */
function checkPlayerRows(em: EntityManager, handClipId: string, players: readonly HandPlayer[]): void {
  if (!Array.isArray(players)) throw new ValidationError('HandClipPlayer', 'player', 'players must be an array');
  const rows = players.map((p) => ({ handClip: handClipId, player: p?.playerId, isWinner: p?.isWinner ?? false }));
  const failures: { row: number; error: EntityFieldError }[] = validateRows(
    em.getMetadata(HandClipPlayer),
    rows,
    'good-rows',
  );
  const seen = new Map<unknown, number>();
  rows.forEach((r, row) => {
    const first = seen.get(r.player);
    if (first === undefined) seen.set(r.player, row);
    else if (!failures.some((f) => f.row === row)) {
      const error = new ValidationError('HandClipPlayer', 'player', `is the same player as entry ${first}`);
      failures.push({ row, error });
    }
  });
  if (failures.length > 0)
    throw new BatchValidationError(
      'HandClipPlayer',
      failures.sort((a, b) => a.row - b.row),
    );
}

// Read consistency per method (callers override with withConsistency); writes read the primary.
declareConsistency(HandClipRepository, {
  reads: { getHandClip: 'read-your-writes', tagsOf: 'read-your-writes', playersOf: 'read-your-writes' },
  writes: ['createTag', 'createPlayer', 'createHandClip', 'tag', 'untag', 'linkPlayers'],
  internal: ['linked', 'liveClip'],
});
