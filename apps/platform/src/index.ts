export { platform } from './composition.ts';
export { tesseraHome, useEmbeddedDatabase, workspaceRoot } from './embedded.ts';
