import { describeSchemaConformance, useTestDatabase } from '@tessera/testing';
import { audit } from '../src/index.ts';

describeSchemaConformance(audit, useTestDatabase(audit), new URL('..', import.meta.url));
