import { TesseraError } from './errors.ts';

/** An operation is not allowed in the object's current state (archiving twice, completing a failed execution…). */
export class IllegalStateError extends TesseraError {
  /** The entity name, e.g. `Execution`. */
  readonly entity: string;
  /** The state the object is in. */
  readonly from: string;
  /** The state or operation that was refused. */
  readonly to: string;

  constructor(entity: string, from: string, to: string, detail?: string) {
    super('ILLEGAL_STATE', `${entity}: cannot go from ${from} to ${to}${detail ? ` (${detail})` : ''}`);
    this.entity = entity;
    this.from = from;
    this.to = to;
  }
}
