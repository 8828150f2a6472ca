import { tesseraVitestConfig } from '@tessera/vitest-config';

export default tesseraVitestConfig();
