export { audit } from './context.ts';
