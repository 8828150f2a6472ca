import { identity } from '@tessera/identity';
import { defineContext } from '@tessera/kernel';
import { workflows } from '@tessera/workflows';
import { migrations } from './migrations/index.ts';

/** The executions context: executions, steps and partitioned logs, with the stats materialized view. Schema `executions`. */
export const executions = defineContext({
  name: 'executions',
  dependsOn: [identity, workflows],
  entities: [],
  migrations,
});
