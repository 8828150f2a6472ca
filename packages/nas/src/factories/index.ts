export { NasFileFactory } from './nas-file.factory.ts';
export { NasFolderFactory } from './nas-folder.factory.ts';
