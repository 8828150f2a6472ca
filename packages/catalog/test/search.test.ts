import { ValidationError } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../src/context.ts';
import { HandClip, SearchRepository, softDelete } from '../src/index.ts';
import { handClipFactory, videoFileFactory } from '../src/testing.ts';

const db = useTestDatabase(catalog);

beforeAll(async () => {
  const em = db.em();
  await videoFileFactory(em, { displayTitle: 'WSOP Main Event final table bluff' });
  await videoFileFactory(em, { displayTitle: 'EPT Prague day two' });
  await handClipFactory(em, {
    title: 'A',
    notes: 'Huge bluff on the river, then another bluff with air',
  });
  await handClipFactory(em, { title: 'B', notes: 'Hero calls a bluff with ace high' });
  await handClipFactory(em, { title: 'C', notes: 'Set over set, and the bluffs stopped' });
  await handClipFactory(em, { title: 'D', notes: 'Quads on the turn' });
});

describe('SearchRepository: ranked full-text search with pagination', () => {
  it('finds hand clips by their notes, stemmed, best match first', async () => {
    const page = await new SearchRepository(db.em()).searchHandClips('bluffs');
    expect(page.items.map((h) => h.title)).toEqual(['A', 'B', 'C']); // two mentions rank above one
    expect(page.items[0]?.rank).toBeGreaterThan(page.items[1]?.rank as number);
    expect(page.hasMore).toBe(false);
  });

  it('pages through the hits without repeating or skipping', async () => {
    const repo = new SearchRepository(db.em());
    const first = await repo.searchHandClips('bluff', { page: 1, limit: 2 });
    const second = await repo.searchHandClips('bluff', { page: 2, limit: 2 });
    expect(first.hasMore).toBe(true);
    expect(second.hasMore).toBe(false);
    expect([...first.items, ...second.items].map((h) => h.title)).toEqual(['A', 'B', 'C']);
  });

  it('finds video files by their display title, and both kinds in one ranking', async () => {
    const repo = new SearchRepository(db.em());
    expect((await repo.searchVideoFiles('final table')).items.map((v) => v.title)).toEqual([
      'WSOP Main Event final table bluff',
    ]);
    const both = await repo.search('bluff', { limit: 10 });
    expect(both.items.map((h) => h.kind).sort()).toEqual(['hand_clip', 'hand_clip', 'hand_clip', 'video_file']);
  });

  it('leaves soft-deleted clips out', async () => {
    const clip = await handClipFactory(db.em(), { title: 'gone', notes: 'a forgotten bluff' });
    expect((await new SearchRepository(db.em()).searchHandClips('forgotten')).items).toHaveLength(1);
    await softDelete(db.em(), HandClip, clip.id);
    expect((await new SearchRepository(db.em()).searchHandClips('forgotten')).items).toEqual([]);
  });

  it('finds matches through the GIN index on the stored vector', async () => {
    // One session, so the planner setting applies to the EXPLAIN (the table is too small to prefer the index).
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('set enable_seqscan = off');
      const plan = await client.query(
        `explain select id from catalog.hand_clips where notes_search @@ websearch_to_tsquery('english', 'bluff')`,
      );
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('ix_hand_clips_notes_search');
    } finally {
      await client.end();
    }
  });

  it('rejects an empty query and a bad page with typed errors', async () => {
    const repo = new SearchRepository(db.em());
    await expect(repo.searchHandClips('  ')).rejects.toMatchObject({ entity: 'HandClip', field: 'query' });
    const error = await repo.searchVideoFiles('bluff', { limit: 500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ entity: 'VideoFile', field: 'limit' });
  });
});
