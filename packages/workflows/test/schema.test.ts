import { describeSchemaConformance, useTestDatabase } from '@tessera/testing';
import { workflows } from '../src/index.ts';

describeSchemaConformance(workflows, useTestDatabase(workflows), new URL('..', import.meta.url));
