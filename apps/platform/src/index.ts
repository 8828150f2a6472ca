export { platform } from './composition.ts';
export { useEmbeddedDatabase, tesseraHome, workspaceRoot } from './embedded.ts';
