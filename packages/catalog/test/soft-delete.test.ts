import { NotFoundError, UniqueViolationError } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { catalog } from '../src/context.ts';
import {
  CatalogRepository,
  HandClip,
  HandClipRepository,
  Project,
  restore,
  softDelete,
  Tag,
  VideoFile,
} from '../src/index.ts';
import { handClipFactory, videoFileFactory } from '../src/testing.ts';

const db = useTestDatabase(catalog);

describe('soft delete: deleted rows are hidden, restorable, and do not block re-creating', () => {
  it('a soft-deleted project tree is hidden from reads, kept in the table, and restored with its tree', async () => {
    const repo = new CatalogRepository(db.em());
    const { project } = await repo.createCatalogTree({
      project: { code: 'SOFT_TREE', name: 'Soft' },
      seasons: [
        { year: 2024, events: [{ eventNumber: 1, name: 'Main', episodes: [{ episodeNumber: 1, title: 'Day 1' }] }] },
      ],
    });
    await new CatalogRepository(db.em()).softDeleteProject(project.id);
    expect(await new CatalogRepository(db.em()).findByCode('SOFT_TREE')).toBeNull();
    expect((await new CatalogRepository(db.em()).listProjects({ limit: 100 })).items.map((p) => p.code)).not.toContain(
      'SOFT_TREE',
    );
    const stored = await db.query(
      `select (select count(*)::int from catalog.seasons where project_id = $1 and deleted_at is not null) as seasons,
              (select count(*)::int from catalog.episodes where title = 'Day 1' and deleted_at is not null) as episodes`,
      [project.id],
    );
    expect(stored).toEqual([{ seasons: 1, episodes: 1 }]);
    // Still visible when the filter is switched off on purpose.
    expect(await db.em().findOne(Project, { code: 'SOFT_TREE' }, { filters: { notDeleted: false } })).not.toBeNull();

    await new CatalogRepository(db.em()).restoreProject(project.id);
    const back = await new CatalogRepository(db.em()).listProjects({ limit: 100 });
    const restored = back.items.find((p) => p.code === 'SOFT_TREE');
    expect(restored?.seasons.getItems().map((s) => s.events.getItems().map((e) => e.name))).toEqual([['Main']]);
    // The bottom level too: the episodes' update runs although the statement's result does not read it.
    expect(
      await db.query(`select count(*)::int as n from catalog.episodes where title = 'Day 1' and deleted_at is null`),
    ).toEqual([{ n: 1 }]);
  });

  it('a project code is free again once its project is soft-deleted; restoring the old one then fails, typed', async () => {
    const repo = new CatalogRepository(db.em());
    const old = await repo.createProject({ code: 'REUSED', name: 'Old' });
    await new CatalogRepository(db.em()).softDeleteProject(old.id);
    const again = await new CatalogRepository(db.em()).createProject({ code: 'REUSED', name: 'New' });
    expect(again.id).not.toBe(old.id);

    const error = await new CatalogRepository(db.em()).restoreProject(old.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(error).toMatchObject({ entity: 'Project', field: 'code', constraint: 'ix_projects_code' });
    expect(await db.query(`select name from catalog.projects where code = 'REUSED' and deleted_at is null`)).toEqual([
      { name: 'New' },
    ]);
  });

  it('tags, video file paths and sheet rows can be re-created after a soft delete', async () => {
    const clips = new HandClipRepository(db.em());
    const tag = await clips.createTag({ category: 'action', name: 'hero-call' });
    await softDelete(db.em(), Tag, tag.id);
    await expect(
      new HandClipRepository(db.em()).createTag({ category: 'action', name: 'hero-call' }),
    ).resolves.toMatchObject({
      name: 'hero-call',
    });

    const video = await videoFileFactory(db.em());
    await softDelete(db.em(), VideoFile, video.id);
    await expect(videoFileFactory(db.em(), { filePath: video.filePath })).resolves.toBeDefined();

    const clip = await handClipFactory(db.em(), { sheetSource: 'sheet-soft', sheetRowNumber: 7 });
    await softDelete(db.em(), HandClip, clip.id);
    await expect(handClipFactory(db.em(), { sheetSource: 'sheet-soft', sheetRowNumber: 7 })).resolves.toBeDefined();
    expect(await db.em().findOne(HandClip, { id: clip.id })).toBeNull();
  });

  it('deleting or restoring what is not there is a NotFoundError', async () => {
    const video = await videoFileFactory(db.em());
    await softDelete(db.em(), VideoFile, video.id);
    await expect(softDelete(db.em(), VideoFile, video.id)).rejects.toBeInstanceOf(NotFoundError);
    await restore(db.em(), VideoFile, video.id);
    await expect(restore(db.em(), VideoFile, video.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await db.em().findOne(VideoFile, { id: video.id })).not.toBeNull();
  });
});
