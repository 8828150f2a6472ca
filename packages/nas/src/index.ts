export { nas } from './context.ts';
