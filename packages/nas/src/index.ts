/** @tessera/nas: the NAS folder and file inventory (schema `nas`), with bulk scan ingest. */

/** The context module to compose (`composeContexts([nas])`). */
export { nas } from './context.ts';
/** The file entity and the checksum format it stores. */
export { CHECKSUM_PATTERN, type INasFile, NasFile } from './entities/nas-file.entity.ts';
/** The folder entity. */
export { type INasFolder, NasFolder } from './entities/nas-folder.entity.ts';
/** The scan run entity (one row per scan). */
export { type INasScanRun, NasScanRun } from './entities/nas-scan-run.entity.ts';
/** Reading folders and files, listing a folder, recording checksums. */
export { type NasFileRecord, type NasFolderListing, NasRepository } from './repositories/nas.repository.ts';
/** The kinds of file the inventory tells apart (by extension). */
export { NAS_FILE_KINDS, type NasFileKind } from './scanner/kinds.ts';
/** Scanning a directory tree into the inventory. */
export { scanDirectory } from './scanner/scan.ts';
/** The options, progress and result of a scan. */
export type { ScanOptions, ScanProgress, ScanResult, ScanStage } from './scanner/types.ts';
