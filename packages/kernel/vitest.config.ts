import { tesseraVitestConfig } from '@tessera/vitest-config';

// Translation, validation and writes are tested against real PostgreSQL errors, through the shared harness.
export default tesseraVitestConfig();
