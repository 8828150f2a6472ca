export { workflows } from './context.ts';
