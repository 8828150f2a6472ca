/** @tessera/nas: the NAS folder and file inventory (schema `nas`), with bulk scan ingest. */
export { nas } from './context.ts';
export { CHECKSUM_PATTERN, type INasFile, NasFile } from './entities/nas-file.entity.ts';
export { type INasFolder, NasFolder } from './entities/nas-folder.entity.ts';
export { type INasScanRun, NasScanRun } from './entities/nas-scan-run.entity.ts';
export { type NasFileRecord, type NasFolderListing, NasRepository } from './repositories/nas.repository.ts';
export { extensionOf, kindOfExtension, NAS_FILE_KINDS, type NasFileKind } from './scanner/kinds.ts';
export { scanDirectory } from './scanner/scan.ts';
export type { ScanOptions, ScanProgress, ScanResult, ScanStage } from './scanner/types.ts';
export { type WalkEntry, type WalkedFile, type WalkedFolder, type WalkProblem, walk } from './scanner/walk.ts';
