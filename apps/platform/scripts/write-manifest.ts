// Writes the migration manifest `tessera migrate` reads to answer "nothing to do" without loading the contexts:
// `node scripts/write-manifest.ts` for the build (dist/), or with `--conditions=@tessera/source … src [FILE]` for
// the sources (to FILE instead of src/migrations.manifest.json). Run it in a fresh process: it records the
// migration modules the config imports.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TesseraConfig } from '@tessera/cli';
import { writeManifest } from '@tessera/cli';

const tree = process.argv[2] ?? 'dist';
if (tree !== 'dist' && tree !== 'src') throw new Error(`write-manifest: expected dist or src, got ${tree}`);
const config = new URL(`../${tree}/tessera.config.${tree === 'dist' ? 'js' : 'ts'}`, import.meta.url);
const file = process.argv[3]
  ? resolve(process.argv[3])
  : fileURLToPath(new URL(`../${tree}/migrations.manifest.json`, import.meta.url));
const manifest = await writeManifest(
  async () => ((await import(config.href)) as { default: TesseraConfig }).default,
  file,
);
console.log(`${file}: ${manifest.migrations.length} migrations, ${manifest.sources.length} modules`);
