import { defineContext } from '@tessera/kernel';
import { nas } from '@tessera/nas';
import { migrations } from './migrations/index.ts';

/** The catalog context: the poker-VOD catalog (projects to hand clips), players, tags and sheet sync. Schema `catalog`. */
export const catalog = defineContext({
  name: 'catalog',
  dependsOn: [nas],
  entities: [],
  migrations,
});
