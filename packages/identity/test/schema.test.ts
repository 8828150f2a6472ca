import { describeSchemaConformance, useTestDatabase } from '@tessera/testing';
import { identity } from '../src/index.ts';

describeSchemaConformance(identity, useTestDatabase(identity), new URL('..', import.meta.url));
