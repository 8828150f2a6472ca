#!/usr/bin/env node
// The `tessera` command of @tessera/cli. A published copy runs the compiled dist/ in this process; in the
// workspace (no build, or TESSERA_FROM_SOURCE) it runs the TypeScript sources with workspace packages resolved
// to theirs (Node 24 strips types).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const source = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const built = fileURLToPath(new URL('../dist/main.js', import.meta.url));
if (existsSync(built) && !process.env.TESSERA_FROM_SOURCE) {
  // Reuses compiled code between runs: the ORM's modules dominate a command's start-up.
  module.enableCompileCache?.();
  await import(pathToFileURL(built).href);
} else {
  const args = ['--conditions=@tessera/source', source, ...process.argv.slice(2)];
  const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (result.error) console.error(`tessera: ${result.error.message}`);
  process.exit(result.status ?? 1);
}
