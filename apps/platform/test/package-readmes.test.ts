import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Every package with a README that documents its public API: folder, npm name. */
const PACKAGES = [
  ...['kernel', 'migrator', 'cli', 'identity', 'audit', 'workflows', 'executions', 'nas', 'catalog', 'knowledge'].map(
    (name) => ({ dir: `packages/${name}`, name: `@tessera/${name}` }),
  ),
  { dir: 'tooling/testing', name: '@tessera/testing' },
  { dir: 'tooling/test-server', name: '@tessera/test-server' },
  { dir: 'tooling/embedded-pg', name: '@tessera/embedded-pg' },
];

type Entry = 'index' | 'testing';
const ENTRY_FILES: Record<Entry, string> = { index: 'src/index.ts', testing: 'src/testing.ts' };

/**
 * The names a module exports, values and types alike, read from its source: named re-exports (`export { a, type B }`,
 * `export type { C }`), exported declarations, and `export *` of relative modules followed into their files. A
 * plain scan suffices for entry points made of export statements; the test also checks it against what importing
 * the module yields at run time.
 */
function exportedNames(file: string, seen = new Set<string>()): Set<string> {
  const names = new Set<string>();
  if (seen.has(file)) return names;
  seen.add(file);
  const code = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  for (const [, list] of code.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g))
    for (const element of (list as string).split(',')) {
      const name = element
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.replace(/^type\s+/, '');
      if (name) names.add(name);
    }
  for (const [, target] of code.matchAll(/export\s+\*\s+from\s*['"]([^'"]+)['"]/g)) {
    if (!target?.startsWith('.')) throw new Error(`${file}: cannot follow export * from ${target}`);
    for (const name of exportedNames(resolve(dirname(file), target), seen)) names.add(name);
  }
  for (const [, name] of code.matchAll(
    /export\s+(?:declare\s+)?(?:async\s+)?(?:abstract\s+)?(?:function\*?|class|interface|type|const|let|enum|\*\s+as)\s+([A-Za-z_$][\w$]*)/g,
  ))
    names.add(name as string);
  return names;
}

/**
 * The names the README's "## Public API" section documents, by entry point: the backticked identifiers that open
 * a bullet (`` - `a`, `b`: what they are for ``). Bullets under a `###` heading naming the `/testing` subpath
 * document that entry point; all others the package index.
 */
function documentedNames(readme: string): Map<Entry, Set<string>> | undefined {
  const start = readme.search(/^## Public API\s*$/m);
  if (start < 0) return undefined;
  const rest = readme.slice(start).split('\n').slice(1);
  const end = rest.findIndex((line) => line.startsWith('## '));
  const documented = new Map<Entry, Set<string>>([
    ['index', new Set()],
    ['testing', new Set()],
  ]);
  let entry: Entry = 'index';
  for (const line of end < 0 ? rest : rest.slice(0, end)) {
    if (line.startsWith('### ')) entry = /\/testing`/.test(line) ? 'testing' : 'index';
    const lead = /^[-*]\s+((?:`[A-Za-z_$][\w$]*`(?:\s*,\s*|\s+and\s+)?)+)\s*:/.exec(line);
    if (!lead?.[1]) continue;
    for (const match of lead[1].matchAll(/`([A-Za-z_$][\w$]*)`/g))
      (documented.get(entry) as Set<string>).add(match[1] as string);
  }
  return documented;
}

describe('Public API sections of the package READMEs', () => {
  it.each(PACKAGES)('$dir/README.md lists exactly what $name exports', async ({ dir, name }) => {
    const readme = readFileSync(join(root, dir, 'README.md'), 'utf8');
    const documented = documentedNames(readme);
    expect(documented, `${name}: ${dir}/README.md has no "## Public API" section`).toBeDefined();
    const problems: string[] = [];
    for (const entry of ['index', 'testing'] as const) {
      const file = join(root, dir, ENTRY_FILES[entry]);
      const specifier = entry === 'index' ? name : `${name}/testing`;
      const listed = documented?.get(entry) ?? new Set<string>();
      const exported = existsSync(file) ? exportedNames(file) : new Set<string>();
      if (existsSync(file)) {
        // The parser must see every value the module really exports at run time (types exist only in the source).
        const runtime = Object.keys(await import(specifier));
        for (const value of runtime)
          if (!exported.has(value)) problems.push(`${specifier}: the source scan missed the exported value ${value}`);
      }
      for (const exportName of exported)
        if (!listed.has(exportName))
          problems.push(`${specifier} exports ${exportName}, which the README's Public API does not list`);
      for (const listedName of listed)
        if (!exported.has(listedName))
          problems.push(`${specifier} does not export ${listedName}, which the README's Public API lists`);
    }
    expect(problems).toEqual([]);
  });

  it('reads names from the bullets that open with them, per entry point', () => {
    const readme = [
      '# x',
      '## Public API',
      '- `alpha`, `Beta`: two things; `notAName` in the text is not listed',
      '- plain text with `ignored`: no leading name',
      '### Testing (`@tessera/x/testing`)',
      '- `gammaFactory`: a factory',
      '## Performance',
      '- `afterTheSection`: not part of the API',
    ].join('\n');
    const documented = documentedNames(readme);
    expect([...(documented?.get('index') ?? [])]).toEqual(['alpha', 'Beta']);
    expect([...(documented?.get('testing') ?? [])]).toEqual(['gammaFactory']);
    expect(documentedNames('# no section')).toBeUndefined();
  });
});
