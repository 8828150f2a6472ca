import { describeSchemaConformance, useTestDatabase } from '../src/index.ts';
import { tt } from './fixture/src/context.ts';

// The fixture is laid out like a context package (src/migrations with its committed snapshot).
describeSchemaConformance(tt, useTestDatabase(tt), new URL('./fixture/', import.meta.url));
