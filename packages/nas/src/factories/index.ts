export { NasFileFactory, nasFileFactory } from './nas-file.factory.ts';
export { NasFolderFactory, nasFolderFactory } from './nas-folder.factory.ts';
