export { executions } from './context.ts';
