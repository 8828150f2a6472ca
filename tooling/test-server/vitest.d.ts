import type { Plugin } from 'vitest/config';

/** The vitest plugin of the Tessera test harness: `plugins: [tessera()]` (see vitest.js). */
export declare function tessera(): Plugin;
