import { describe, expect, it } from 'vitest';
import {
  CheckViolationError,
  ForeignKeyViolationError,
  IllegalStateError,
  NotFoundError,
  NotNullViolationError,
  TesseraError,
  UniqueViolationError,
  ValidationError,
} from '../src/index.ts';

describe('typed errors', () => {
  // [error, code, message]: each names what it is about and says what is wrong.
  it.each([
    [new ValidationError('Team', 'name', 'must not be empty'), 'INVALID_INPUT', 'Team.name: must not be empty'],
    [
      new UniqueViolationError('Team', ['name', 'kind']),
      'UNIQUE_VIOLATION',
      'Team.name, kind: a row with this value already exists',
    ],
    [new ForeignKeyViolationError('Member', [], 'is broken'), 'FOREIGN_KEY_VIOLATION', 'Member: is broken'],
    [
      new CheckViolationError('Team', ['size'], 'ck_teams_size', 'must be small'),
      'CHECK_VIOLATION',
      'Team.size: must be small',
    ],
    [new NotNullViolationError('Team', 'kind'), 'NOT_NULL_VIOLATION', 'Team.kind: is required'],
    [new NotFoundError('Team', { id: 'x', kind: 'club' }), 'NOT_FOUND', 'Team not found (id="x", kind="club")'],
    [
      new IllegalStateError('Execution', 'failed', 'completed'),
      'ILLEGAL_STATE',
      'Execution: cannot go from failed to completed',
    ],
    [
      new IllegalStateError('Workflow', 'archived', 'archive', 'already archived'),
      'ILLEGAL_STATE',
      'Workflow: cannot go from archived to archive (already archived)',
    ],
  ] as const)('%s', (error, code, message) => {
    expect(error).toBeInstanceOf(TesseraError);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.name).toBe(error.constructor.name);
  });

  it('NotFoundError and IllegalStateError keep what they are about for callers', () => {
    expect(new NotFoundError('Team', { id: 'x' })).toMatchObject({ entity: 'Team', criteria: { id: 'x' } });
    expect(new IllegalStateError('Execution', 'failed', 'completed')).toMatchObject({
      entity: 'Execution',
      from: 'failed',
      to: 'completed',
    });
  });
});
