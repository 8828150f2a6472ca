import { fileURLToPath } from 'node:url';
import { platform } from '../src/composition.ts';
import { writeDiagrams } from '../src/docs/er.ts';

// `pnpm docs:er`: regenerates the ER diagram in every context package's README from the entity metadata.
const root = fileURLToPath(new URL('../../..', import.meta.url));
const changed = writeDiagrams(platform, root);
console.log(changed.length > 0 ? `updated ${changed.join(', ')}` : 'every ER diagram is up to date');
