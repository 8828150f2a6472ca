import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineEntity, p } from '@mikro-orm/core';
import { composeContexts, defineContext } from '@tessera/kernel';
import { describe, expect, it } from 'vitest';
import { platform } from '../src/composition.ts';
import { composedDiagrams, readmePath, withDiagram } from '../src/docs/er.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

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
});
