import { describeSchemaConformance, useTestDatabase } from '@tessera/testing';
import { executions } from '../src/index.ts';

describeSchemaConformance(executions, useTestDatabase(executions), new URL('..', import.meta.url));
