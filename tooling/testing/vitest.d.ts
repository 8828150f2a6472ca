export { tessera } from '@tessera/test-server/vitest';
