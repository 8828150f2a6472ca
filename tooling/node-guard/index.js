// Imported first by every entry point (the `tessera` bin, the shared vitest config) and run by the root scripts,
// so an old Node stops with one actionable line instead of a link error deep in the sources (a missing
// `randomUUIDv7` export, `Map.groupBy is not a function`, an unknown `.ts` extension). Plain JavaScript that
// any Node can parse. The required version is this package's `engines.node`: the one place it is written.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const manifest = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

/** The supported range, e.g. `>=24.16.0` (this package's `engines.node`). */
export const requiredNode = manifest.engines.node;

/** Whether `version` (e.g. `20.20.2`) satisfies a `>=X.Y.Z` range. */
export function satisfies(version, range = requiredNode) {
  const match = /^>=\s*(\d+)\.(\d+)\.(\d+)$/.exec(range.trim());
  if (!match) throw new Error(`@tessera/node-guard: unsupported engines.node range "${range}" (use >=X.Y.Z)`);
  const have = version.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const need = Number(match[i + 1]);
    if ((have[i] ?? 0) !== need) return (have[i] ?? 0) > need;
  }
  return true;
}

/** The one line an unsupported Node gets: the version needed, the version found, and how to get the right one. */
export function unsupportedNodeMessage(version = process.version) {
  // Inside the repository (this file at tooling/node-guard/), `./dev` installs the right Node; elsewhere, say how.
  const dev = fileURLToPath(new URL('../../dev', import.meta.url));
  const howTo = existsSync(dev)
    ? 'run the command through ./dev at the repository root (e.g. ./dev test), which installs it into .tools/'
    : 'install it (e.g. `nvm install 24`, or `npm install node@24` and put node_modules/.bin on PATH)';
  return `Tessera needs Node.js ${requiredNode}, but this is ${version}: ${howTo}.`;
}

if (!satisfies(process.versions.node)) {
  process.stderr.write(`${unsupportedNodeMessage()}\n`);
  process.exit(1);
}
