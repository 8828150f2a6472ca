import { ForeignKeyViolationError, NotFoundError, UniqueViolationError } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { catalog } from '../src/context.ts';
import { HandClipRepository } from '../src/index.ts';
import { handClipFactory, playerFactory, tagFactory } from '../src/testing.ts';

const db = useTestDatabase(catalog);

describe('HandClipRepository: tags and players', () => {
  it('tags a clip with existing tags; tagging again changes nothing', async () => {
    const clip = await handClipFactory(db.em());
    const repo = new HandClipRepository(db.em());
    await repo.createTag({ category: 'action', name: 'bluff' });
    await repo.createTag({ category: 'street', name: 'river' });
    const tags = await repo.tag(clip.id, [
      { category: 'street', name: 'river' },
      { category: 'action', name: 'bluff' },
    ]);
    expect(tags.map((t) => `${t.category}:${t.name}`)).toEqual(['action:bluff', 'street:river']);
    await new HandClipRepository(db.em()).tag(clip.id, [{ category: 'action', name: 'bluff' }]);
    expect(
      await db.query('select count(*)::int as n from catalog.hand_clip_tags where hand_clip_id = $1', [clip.id]),
    ).toEqual([{ n: 2 }]);
    const removed = await new HandClipRepository(db.em()).untag(clip.id, [tags[0]?.id as string]);
    expect(removed).toBe(1);
    expect((await new HandClipRepository(db.em()).tagsOf(clip.id)).map((t) => t.name)).toEqual(['river']);
  });

  it('an unknown tag is a NotFoundError naming it, and no tag is linked', async () => {
    const clip = await handClipFactory(db.em());
    const known = await tagFactory(db.em());
    const error = await new HandClipRepository(db.em())
      .tag(clip.id, [
        { category: known.category, name: known.name },
        { category: 'action', name: 'no-such-tag' },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ entity: 'Tag', criteria: { category: 'action', name: 'no-such-tag' } });
    expect(await db.query('select 1 from catalog.hand_clip_tags where hand_clip_id = $1', [clip.id])).toEqual([]);
  });

  it('a duplicate live tag is a UniqueViolationError on category and name', async () => {
    const tag = await tagFactory(db.em());
    const error = await new HandClipRepository(db.em())
      .createTag({ category: tag.category, name: tag.name })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(error).toMatchObject({ entity: 'Tag', fields: ['category', 'name'], constraint: 'ix_tags_category_name' });
  });

  it('links players with the winner; re-linking updates who won', async () => {
    const clip = await handClipFactory(db.em());
    const [a, b] = [await playerFactory(db.em()), await playerFactory(db.em())];
    const repo = new HandClipRepository(db.em());
    await repo.linkPlayers(clip.id, [{ playerId: a?.id as string, isWinner: true }, { playerId: b?.id as string }]);
    await new HandClipRepository(db.em()).linkPlayers(clip.id, [{ playerId: b?.id as string, isWinner: true }]);
    const players = await new HandClipRepository(db.em()).playersOf(clip.id);
    expect(Object.fromEntries(players.map((p) => [p.player.id, p.isWinner]))).toEqual({
      [a?.id as string]: true,
      [b?.id as string]: true,
    });
  });

  it('an unknown player is a ForeignKeyViolationError on player, and nothing is linked', async () => {
    const clip = await handClipFactory(db.em());
    const real = await playerFactory(db.em());
    const error = await new HandClipRepository(db.em())
      .linkPlayers(clip.id, [{ playerId: real.id }, { playerId: '01900000-0000-7000-8000-000000000000' }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForeignKeyViolationError);
    expect(error).toMatchObject({
      entity: 'HandClipPlayer',
      field: 'player',
      constraint: 'fk_hand_clip_players_player_id',
    });
    expect(await db.query('select 1 from catalog.hand_clip_players where hand_clip_id = $1', [clip.id])).toEqual([]);
  });

  it('tagging or linking a clip that does not exist is a NotFoundError (an id that is not a UUID, a ValidationError)', async () => {
    await expect(new HandClipRepository(db.em()).tag('not-a-uuid', [])).rejects.toMatchObject({
      entity: 'HandClip',
      field: 'id',
      code: 'INVALID_INPUT',
    });
    await expect(
      new HandClipRepository(db.em()).tag('01900000-0000-7000-8000-000000000000', []),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      new HandClipRepository(db.em()).linkPlayers('01900000-0000-7000-8000-000000000000', []),
    ).rejects.toMatchObject({ entity: 'HandClip' });
  });
});

describe('HandClipRepository.getHandClip', () => {
  it('reads a live clip by id as a plain row; a soft-deleted or unknown one is NotFoundError, a bad id a ValidationError', async () => {
    const clip = await handClipFactory(db.em(), {
      startSeconds: 12.5,
      endSeconds: 80.25,
      potSize: 1234.5,
    });
    const repo = new HandClipRepository(db.em());
    const found = await repo.getHandClip(clip.id);
    expect(found).toMatchObject({
      id: clip.id,
      title: clip.title,
      startSeconds: 12.5,
      endSeconds: 80.25,
      potSize: 1234.5,
    });
    expect(found.createdAt).toBeInstanceOf(Date);

    await db.query('update catalog.hand_clips set deleted_at = now() where id = $1', [clip.id]);
    await expect(repo.getHandClip(clip.id)).rejects.toMatchObject({ code: 'NOT_FOUND', entity: 'HandClip' });
    await expect(repo.getHandClip('0190d7a0-0000-7000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
    await expect(repo.getHandClip("1' or '1'='1")).rejects.toMatchObject({ entity: 'HandClip', field: 'id' });
  });
});
