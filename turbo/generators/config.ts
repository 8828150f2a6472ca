import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PlopTypes } from '@turbo/gen';

/** A context name is also its PostgreSQL schema and its package name: lower-case letters, digits and _. */
const CONTEXT_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/** Runs a command in the repository root, failing the generator with its output when it fails. */
function run(root: string, command: string, args: string[]): void {
  execFileSync(command, args, { cwd: root, stdio: 'inherit' });
}

/** `turbo gen context NAME`: a context package that passes lint, typecheck and tests, composed into the platform. */
export default function generator(plop: PlopTypes.NodePlopAPI): void {
  plop.setGenerator('context', {
    description: 'A bounded context package: entity, repository, initial migration, tests, one line in the platform',
    prompts: [
      {
        type: 'input',
        name: 'name',
        message: 'Context name (also its schema and package name, e.g. billing):',
        validate: (input: string) =>
          CONTEXT_NAME.test(input) || 'use lower-case letters, digits and _, starting with a letter',
      },
    ],
    actions: (answers) => {
      const name = String(answers?.name);
      const root = plop.getDestBasePath();
      if (existsSync(join(root, 'packages', name))) throw new Error(`packages/${name} already exists`);
      return [
        {
          type: 'addMany',
          destination: '{{ turbo.paths.root }}/packages/{{ name }}',
          base: 'templates/context',
          templateFiles: 'templates/context/**/*',
          stripExtensions: ['hbs'],
          globOptions: { dot: true },
        },
        {
          type: 'modify',
          path: '{{ turbo.paths.root }}/apps/platform/src/composition.ts',
          pattern: /(import \{ composeContexts \} from '@tessera\/kernel';)/,
          template: "$1\nimport { {{ camelCase name }} } from '@tessera/{{ name }}';",
        },
        {
          type: 'modify',
          path: '{{ turbo.paths.root }}/apps/platform/src/composition.ts',
          pattern: /composeContexts\(\[/,
          template: 'composeContexts([{{ camelCase name }}, ',
        },
        {
          type: 'modify',
          path: '{{ turbo.paths.root }}/apps/platform/package.json',
          pattern: /("@tessera\/kernel": "workspace:\*",)/,
          template: '"@tessera/{{ name }}": "workspace:*",\n    $1',
        },
        () => {
          // Link the new package, write its initial migration and snapshot from the entity, let the formatter
          // order the platform's imports, and draw the README's diagram: the package and the platform then pass
          // lint, typecheck and tests as generated. A new package changes the lockfile, so the install may update it
          // even where pnpm would default to a frozen lockfile (CI=true).
          run(root, 'pnpm', ['install', '--prefer-offline', '--no-frozen-lockfile']);
          run(root, 'pnpm', ['--filter', `@tessera/${name}`, 'migration:create', 'initial']);
          run(root, 'pnpm', [
            'exec',
            'biome',
            'check',
            '--write',
            `packages/${name}`,
            'apps/platform/src/composition.ts',
          ]);
          run(root, 'pnpm', ['docs:er']);
          return `packages/${name} is ready: pnpm --filter @tessera/${name} test`;
        },
      ];
    },
  });
}
