import { tesseraVitestConfig } from '@tessera/vitest-config';

// The shared config, like every context package's: @tessera/vitest-config depends on the harness
// (@tessera/test-server, @tessera/embedded-pg), never on this package, so the dev dependency makes no cycle.
export default tesseraVitestConfig();
