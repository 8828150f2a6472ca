import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requiredNode, satisfies, unsupportedNodeMessage } from '../index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/**
 * A real Node older than engines.node: TESSERA_TEST_OLD_NODE, else the first `node` on PATH (or /usr/bin/node)
 * that the guard rejects. A fresh Debian machine, and CI, have the system's Node 20 there.
 */
function findOldNode(): string {
  const candidates = [
    process.env.TESSERA_TEST_OLD_NODE,
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'node')),
    '/usr/bin/node',
    '/usr/local/bin/node',
  ].filter((c): c is string => Boolean(c) && existsSync(c as string));
  for (const candidate of candidates) {
    const version = execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim();
    if (!satisfies(version)) return candidate;
  }
  throw new Error(
    `no Node older than ${requiredNode} found on PATH or in /usr/bin: set TESSERA_TEST_OLD_NODE to one (e.g. Node 20)`,
  );
}

const oldNode = findOldNode();
const oldVersion = execFileSync(oldNode, ['--version'], { encoding: 'utf8' }).trim();
const expectedLine = `${unsupportedNodeMessage(oldVersion)}\n`;

/** Runs `args` with the old Node first on PATH, as on a machine that has only it. */
function runOld(command: string, args: string[], cwd = root) {
  const env = { ...process.env, PATH: `${dirname(oldNode)}${delimiter}${process.env.PATH}` };
  return spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 60_000 });
}

describe('the supported Node version', () => {
  it('is written once, in engines.node, and the workspace declares the same', () => {
    expect(requiredNode).toMatch(/^>=\d+\.\d+\.\d+$/);
    expect(rootManifest.engines.node).toBe(requiredNode);
  });

  it('compares versions numerically', () => {
    expect(satisfies('24.16.0', '>=24.16.0')).toBe(true);
    expect(satisfies('v24.21.0', '>=24.16.0')).toBe(true);
    expect(satisfies('25.0.0', '>=24.16.0')).toBe(true);
    expect(satisfies('24.9.0', '>=24.16.0')).toBe(false);
    expect(satisfies('22.18.0', '>=24.16.0')).toBe(false);
    expect(satisfies(process.versions.node)).toBe(true);
  });

  it('names the required and found versions and how to get the right one, in the repository', () => {
    expect(unsupportedNodeMessage('v20.20.2')).toBe(
      `Tessera needs Node.js ${requiredNode}, but this is v20.20.2: run the command through ./dev at the repository ` +
        'root (e.g. ./dev test), which installs it into .tools/.',
    );
  });
});

describe(`every entry point on an unsupported Node (${oldVersion})`, () => {
  it('the tessera CLI stops at once with the one line and exit 1', () => {
    const result = runOld(oldNode, [join(root, 'apps/platform/bin/tessera.js'), 'migrate']);
    expect(result.stderr).toBe(expectedLine);
    expect(result.stdout).toBe('');
    expect(result.status).toBe(1);
  });

  it('the shared vitest config stops a package test run with the one line', () => {
    const vitest = join(root, 'packages/kernel/node_modules/vitest/vitest.mjs');
    const result = runOld(oldNode, [vitest, 'run'], join(root, 'packages/kernel'));
    expect(result.stderr).toBe(expectedLine);
    expect(result.status).toBe(1);
  });

  it.each(['test', 'migrate'])('the root `%s` script stops before turbo starts', (script) => {
    const command = rootManifest.scripts[script] as string;
    expect(command).toMatch(/^node tooling\/node-guard\/index\.js && turbo run /);
    const result = runOld('sh', ['-c', command]);
    expect(result.stderr).toBe(expectedLine);
    expect(result.stdout).toBe('');
    expect(result.status).toBe(1);
  });
});
