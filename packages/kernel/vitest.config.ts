import { tesseraVitestConfig } from '@tessera/vitest-config';

// The kernel's own tests need no database; the database-facing behaviour is tested through real contexts.
export default tesseraVitestConfig({ globalSetup: [] });
