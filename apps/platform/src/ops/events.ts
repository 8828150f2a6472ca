/**
 * Operations events: what the database side of the platform announces when a migration run,
 * a backup or a restore completes. Services subscribe in-process; a sink (the audit context's `audit.events`
 * table) keeps a durable record.
 */

/** A migration run finished (its migrations are applied or reverted). */
export interface MigrationCompletedEvent {
  readonly type: 'db.migration.completed';
  readonly direction: 'up' | 'down';
  readonly migrations: readonly string[];
  readonly success: boolean;
  readonly ms: number;
}

/** A backup file was written. */
export interface BackupCompletedEvent {
  readonly type: 'db.backup.completed';
  readonly file: string;
  readonly context: string | null;
  readonly bytes: number;
  readonly tables: number;
  readonly ms: number;
}

/** A backup was restored (and verified against its manifest). */
export interface RestoreCompletedEvent {
  readonly type: 'db.restore.completed';
  readonly file: string;
  readonly database: string;
  readonly context: string | null;
  readonly tables: number;
  readonly differences: number;
  readonly ms: number;
}

/** A person marked a failed non-transactional migration as applied or rolled back (`tessera resolve`). */
export interface MigrationResolvedEvent {
  readonly type: 'db.migration.resolved';
  readonly migration: string;
  readonly context: string;
  readonly resolution: 'applied' | 'rolled-back';
}

/** Every operations event. */
export type OpsEvent = MigrationCompletedEvent | MigrationResolvedEvent | BackupCompletedEvent | RestoreCompletedEvent;
/** The `type` of an operations event. */
export type OpsEventType = OpsEvent['type'];
/** A subscriber to events of type `T`. */
export type OpsListener<T extends OpsEventType> = (event: Extract<OpsEvent, { type: T }>) => void | Promise<void>;

/** A connection the publisher already holds (a `pg` client), for sinks to write on instead of opening their own. */
export interface OpsConnection {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/**
 * Durable storage for events, e.g. a row in `audit.events`. Given the database the event is about, and the
 * publisher's own connection to it when it has one (a migration run writes its event on its one connection).
 */
export interface OpsEventSink {
  append(event: OpsEvent, databaseUrl: string, connection?: OpsConnection): Promise<void>;
}

/** An in-process publish/subscribe bus for {@link OpsEvent}s. */
export class OpsEventBus {
  readonly #listeners = new Map<OpsEventType | '*', Set<(event: OpsEvent) => void | Promise<void>>>();
  readonly #sinks = new Set<OpsEventSink>();

  /** Calls `listener` for every event of `type`; returns the function that unsubscribes it. */
  subscribe<T extends OpsEventType>(type: T, listener: OpsListener<T>): () => void {
    return this.#add(type, listener as (event: OpsEvent) => void);
  }

  /** Calls `listener` for every event; returns the function that unsubscribes it. */
  subscribeAll(listener: (event: OpsEvent) => void | Promise<void>): () => void {
    return this.#add('*', listener);
  }

  /** Adds a durable sink; returns the function that removes it. */
  addSink(sink: OpsEventSink): () => void {
    this.#sinks.add(sink);
    return () => this.#sinks.delete(sink);
  }

  /**
   * Appends the event to every sink, then hands it to every subscriber. A failing subscriber does not stop the
   * others, nor the operation that published: its error is reported through `onError`. Sinks write on
   * `connection` when one is given.
   */
  async publish(
    event: OpsEvent,
    databaseUrl: string,
    onError: (error: unknown) => void = (e) => process.emitWarning(`ops event subscriber failed: ${String(e)}`),
    connection?: OpsConnection,
  ): Promise<void> {
    for (const sink of this.#sinks) {
      try {
        await sink.append(event, databaseUrl, connection);
      } catch (error) {
        onError(error);
      }
    }
    const listeners = [...(this.#listeners.get(event.type) ?? []), ...(this.#listeners.get('*') ?? [])];
    for (const listener of listeners) {
      try {
        await listener(event);
      } catch (error) {
        onError(error);
      }
    }
  }

  #add(key: OpsEventType | '*', listener: (event: OpsEvent) => void | Promise<void>): () => void {
    let set = this.#listeners.get(key);
    if (!set) {
      set = new Set();
      this.#listeners.set(key, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }
}

/** The process-wide bus the CLI and the ops library publish to. */
export const opsEvents = new OpsEventBus();
