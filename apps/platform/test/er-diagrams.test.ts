import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineEntity, p } from '@mikro-orm/core';
import { composeContexts, defineContext } from '@tessera/kernel';
import { describe, expect, it } from 'vitest';
import { platform } from '../src/composition.ts';
import { composedDiagrams, ER_BEGIN, ER_END, readmePath, withDiagram, writeDiagrams } from '../src/docs/er.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

// Two small contexts: zoo's pets each have an owner in ppl.
const Owner = defineEntity({
  name: 'Owner',
  tableName: 'owners',
  schema: 'ppl',
  properties: { id: p.uuid().primary() },
});
const people = defineContext({ name: 'ppl', entities: [Owner], migrations: [] });
const Pet = defineEntity({
  name: 'Pet',
  tableName: 'pets',
  schema: 'zoo',
  properties: {
    id: p.uuid().primary(),
    name: p.string().length(50).unique(),
    owner: () => p.manyToOne(Owner).nullable(),
  },
});
const zoo = defineContext({ name: 'zoo', dependsOn: [people], entities: [Pet], migrations: [] });

describe('ER diagrams in the package READMEs', () => {
  it.each(platform.contexts.map((c) => c.name))(
    'packages/%s/README.md shows the current entities (pnpm docs:er)',
    (name) => {
      const readme = readFileSync(readmePath(root, name), 'utf8');
      const diagram = composedDiagrams(platform).get(name) as string;
      expect(withDiagram(readme, diagram), 'the README lacks the er:begin/er:end markers').toBeDefined();
      expect(readme, 'the diagram is stale: run pnpm docs:er').toBe(withDiagram(readme, diagram));
    },
  );

  it('draws columns, keys and a foreign key into another context, so a changed entity changes the diagram', () => {
    const diagram = composedDiagrams(composeContexts([zoo])).get('zoo');
    expect(diagram).toBe(
      [
        'erDiagram',
        '  pets {',
        '    uuid id PK',
        '    varchar(50) name UK',
        '    uuid owner_id FK "nullable"',
        '  }',
        '  ppl_owners["ppl.owners"]',
        '  ppl_owners |o--o{ pets : owner',
      ].join('\n'),
    );
  });

  it('writes each context README’s diagram between its markers once, and names a README without them', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'tessera-er-'));
    try {
      const composition = composeContexts([zoo]);
      for (const name of ['ppl', 'zoo']) {
        mkdirSync(join(tmp, 'packages', name), { recursive: true });
        writeFileSync(readmePath(tmp, name), `# ${name}\n\n${ER_BEGIN}\nold\n${ER_END}\n\nMore text.\n`);
      }
      expect(writeDiagrams(composition, tmp)).toEqual([readmePath(tmp, 'ppl'), readmePath(tmp, 'zoo')]);
      const zooReadme = readFileSync(readmePath(tmp, 'zoo'), 'utf8');
      expect(zooReadme).toContain(
        `${ER_BEGIN}\n\n\`\`\`mermaid\n${composedDiagrams(composition).get('zoo')}\n\`\`\`\n\n${ER_END}`,
      );
      expect(zooReadme.endsWith(`${ER_END}\n\nMore text.\n`)).toBe(true);
      expect(writeDiagrams(composition, tmp)).toEqual([]);

      writeFileSync(readmePath(tmp, 'ppl'), '# ppl\n');
      expect(() => writeDiagrams(composition, tmp)).toThrow(
        `${readmePath(tmp, 'ppl')} has no ${ER_BEGIN} … ${ER_END} block`,
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
