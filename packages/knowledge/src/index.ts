export { knowledge } from './context.ts';
