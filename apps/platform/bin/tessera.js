#!/usr/bin/env node
// The `tessera` CLI. In the workspace it runs from the TypeScript sources (Node 24 strips types), so it works
// without a build; a published copy runs the compiled `dist/`. An unsupported Node stops at the first import.
import '@tessera/node-guard';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const source = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const built = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const useBuilt = existsSync(built) && !process.env.TESSERA_FROM_SOURCE;
if (useBuilt) {
  // Compiled JavaScript needs no flags: run it in this process rather than paying for a second Node start.
  await import(pathToFileURL(built).href);
} else {
  // Loaded only here: a built CLI's start-up does not pay for child_process.
  const { spawnSync } = await import('node:child_process');
  const args = ['--conditions=@tessera/source', source, ...process.argv.slice(2)];
  const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (result.error) console.error(`tessera: ${result.error.message}`);
  process.exit(result.status ?? 1);
}
