import { defineContext } from '@tessera/kernel';
import { NasFile } from './entities/nas-file.entity.ts';
import { NasFolder } from './entities/nas-folder.entity.ts';
import { NasScanRun } from './entities/nas-scan-run.entity.ts';
import { migrations } from './migrations/index.ts';

/** The nas context: the NAS folder and file inventory, with bulk scan ingest. Schema `nas`. */
export const nas = defineContext({
  name: 'nas',
  dependsOn: [],
  entities: [NasFolder, NasFile, NasScanRun],
  migrations,
});
