export { catalog } from './context.ts';
