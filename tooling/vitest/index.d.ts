import type { UserConfig } from 'vitest/config';

/** Resolve workspace packages to their TypeScript sources, in tests as in typechecking. */
export declare const sourceConditions: string[];
/** Line coverage of the package's sources, enabled by TESSERA_COVERAGE=1 (@tessera/coverage-config). */
export { coverage } from '@tessera/coverage-config';
/** The vitest config every Tessera package uses (see index.js). */
export declare function tesseraVitestConfig(overrides?: NonNullable<UserConfig['test']>): UserConfig;
