#!/usr/bin/env node
// Runs the authoring CLI with workspace packages resolved to their TypeScript sources (Node 24 strips types),
// so a context package can author migrations without a build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../src/authoring-cli.ts', import.meta.url));
const built = fileURLToPath(new URL('../dist/authoring-cli.js', import.meta.url));
const entry = existsSync(source) ? source : built;
const args = existsSync(source) ? ['--conditions=@tessera/source', entry] : [entry];
const result = spawnSync(process.execPath, [...args, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
