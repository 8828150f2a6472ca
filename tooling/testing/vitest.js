// The harness' vitest plugin, where a service looks for it: `import { tessera } from '@tessera/testing/vitest'`.
export { tessera } from '@tessera/test-server/vitest';
