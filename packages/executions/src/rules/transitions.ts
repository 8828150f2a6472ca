import type { ExecutionStatus } from '../entities/execution.entity.ts';

/** The operations that move an execution between states. */
export type ExecutionAction = 'run' | 'pause' | 'resume' | 'complete' | 'fail' | 'cancel' | 'retry';

/**
 * The execution state machine: for each action, the states it may start from and the state it leads to.
 * Completed is final; a failed or cancelled execution can only be retried (back to pending, retry_count + 1).
 */
export const TRANSITIONS: Readonly<Record<ExecutionAction, { from: readonly ExecutionStatus[]; to: ExecutionStatus }>> =
  {
    run: { from: ['pending'], to: 'running' },
    pause: { from: ['running'], to: 'paused' },
    resume: { from: ['paused'], to: 'running' },
    complete: { from: ['running'], to: 'completed' },
    fail: { from: ['pending', 'running', 'paused'], to: 'failed' },
    cancel: { from: ['pending', 'running', 'paused'], to: 'cancelled' },
    retry: { from: ['failed', 'cancelled'], to: 'pending' },
  };

/** Whether `action` is allowed from `status`. */
export function canTransition(status: ExecutionStatus, action: ExecutionAction): boolean {
  return TRANSITIONS[action].from.includes(status);
}
