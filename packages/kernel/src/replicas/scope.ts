import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Where a read may be served:
 * - `primary`: always the primary;
 * - `replica`: any healthy replica within the lag budget (may miss the latest writes), else the primary;
 * - `read-your-writes`: a replica only once it has replayed every write this scope made, else the primary.
 */
export type Consistency = 'primary' | 'replica' | 'read-your-writes';

/** The consistencies, for validation and listings. */
export const CONSISTENCIES: readonly Consistency[] = ['primary', 'replica', 'read-your-writes'];

/**
 * The writes one unit of work made, so its later reads can wait for them: typically one request. A write marks
 * the scope dirty; the first read-your-writes read after it resolves the mark into the primary's WAL insert
 * position (which is past every write committed so far), and replicas serve the scope again once they have
 * replayed up to it.
 */
export class ReadScope {
  /** Highest WAL position a write of this scope is known to have reached (`pg_lsn` as a bigint), or 0n. */
  lsn = 0n;
  /** A write happened since {@link lsn} was taken. */
  dirty = false;
  /**
   * The WAL position being read for this scope right now: concurrent reads of the scope (`findAndCount`, a
   * `Promise.all`) wait for it instead of going by the older position. Resolves false when it could not be read.
   */
  capturing: Promise<boolean> | undefined;
  /** Records that a write happened (or may have happened); cheap: the WAL position is read lazily. */
  noteWrite(): void {
    this.dirty = true;
  }
}

interface Frame {
  readonly scope: ReadScope;
  readonly consistency?: Consistency;
}

const storage = new AsyncLocalStorage<Frame>();
/**
 * Outside any {@link withReadScope}, every write and read of the process share one scope: read-your-writes then
 * holds for the whole process (stricter, so replicas serve a little less), never weaker.
 */
const processScope = new ReadScope();

/** Runs `fn` in a fresh scope: its reads see its own writes in `read-your-writes` mode. One per request. */
export function withReadScope<T>(fn: () => T): T {
  return storage.run({ scope: new ReadScope() }, fn);
}

/**
 * Runs `fn` with reads at `consistency`, overriding the defaults the repository methods it calls declare
 * (`withConsistency('primary', () => users.findByEmail(e))`). Stays in the current scope.
 */
export function withConsistency<T>(consistency: Consistency, fn: () => T): T {
  return storage.run({ scope: currentScope(), consistency }, fn);
}

/**
 * Like {@link withConsistency}, but only when nothing outside already chose: the outermost choice wins, so a
 * write method (which reads on the primary) calling a read method keeps reading on the primary.
 */
export function withDefaultConsistency<T>(consistency: Consistency, fn: () => T): T {
  const frame = storage.getStore();
  if (frame?.consistency) return fn();
  return storage.run({ scope: frame?.scope ?? processScope, consistency }, fn);
}

/** The scope of the caller: the innermost {@link withReadScope}, else the process-wide one. */
export function currentScope(): ReadScope {
  return storage.getStore()?.scope ?? processScope;
}

/** The consistency reads of the caller get; `read-your-writes` when nothing chose one. */
export function currentConsistency(): Consistency {
  return storage.getStore()?.consistency ?? 'read-your-writes';
}

/**
 * The consistency the caller's reads get, with `fallback` (then `read-your-writes`) when neither a
 * {@link withConsistency} nor a declared repository method chose one: the outer choice wins, as everywhere.
 */
export function consistencyOr(fallback: Consistency | undefined): Consistency {
  return storage.getStore()?.consistency ?? fallback ?? 'read-your-writes';
}
