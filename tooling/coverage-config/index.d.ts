import type { UserConfig } from 'vitest/config';

/** Line coverage of the package's sources, enabled by TESSERA_COVERAGE=1 (see index.js). */
export declare const coverage: NonNullable<NonNullable<UserConfig['test']>['coverage']>;
