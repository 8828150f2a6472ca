import { type Seeder, type SeedReport, tally } from '@tessera/kernel';
import { NasFileFactory, NasFolderFactory } from './factories/index.ts';
import { NasFile, NasFolder } from './index.ts';

/** Demo files per demo folder; there is one demo folder per unit of `--scale`. */
export const DEMO_FILES_PER_FOLDER = 5;

const ROOT = '/nas/demo';

/**
 * A demo NAS tree: `/nas/demo` with one folder per unit of `--scale`, each holding five videos. Folders and
 * files are found again by path (their natural, unique key) on the next run.
 */
export const nasSeeder: Seeder = {
  async run({ em, scale }) {
    const report: SeedReport = {};
    const folderPaths = [
      ROOT,
      ...Array.from({ length: scale }, (_, i) => `${ROOT}/event-${String(i).padStart(5, '0')}`),
    ];
    const folders = new Map(
      (await em.find(NasFolder, { path: { $in: folderPaths } })).map((f) => [f.path, f] as const),
    );
    const existingFolders = folders.size;
    const folderFactory = new NasFolderFactory(em);
    for (const path of folderPaths) {
      if (folders.has(path)) continue;
      const parent = path === ROOT ? null : (folders.get(ROOT) ?? null);
      const name = path.slice(path.lastIndexOf('/') + 1);
      folders.set(path, folderFactory.makeOne({ path, name, parent, depth: path.split('/').length - 1 }));
    }
    await em.flush();
    tally(report, 'folders', folderPaths.length - existingFolders, existingFolders);

    const filePaths = folderPaths
      .slice(1)
      .flatMap((folder) => Array.from({ length: DEMO_FILES_PER_FOLDER }, (_, j) => `${folder}/hand-${j + 1}.mp4`));
    const knownFiles = new Set(
      (await em.find(NasFile, { filePath: { $in: filePaths } }, { fields: ['filePath'] })).map((f) => f.filePath),
    );
    const fileFactory = new NasFileFactory(em);
    let created = 0;
    for (const filePath of filePaths) {
      if (knownFiles.has(filePath)) continue;
      const folder = folders.get(filePath.slice(0, filePath.lastIndexOf('/')));
      fileFactory.makeOne({ filePath, ...(folder ? { folder } : {}) });
      created += 1;
    }
    await em.flush();
    tally(report, 'files', created, knownFiles.size);
    return report;
  },
};

/** The context's seeder, as its `seed` loader hands it to the platform. */
export { nasSeeder as seeder };
