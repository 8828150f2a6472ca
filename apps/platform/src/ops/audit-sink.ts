import { audit, EventRepository } from '@tessera/audit';
import { composeContexts, createOrm } from '@tessera/kernel';
import { PostgresDialect } from 'kysely';
import { withClient } from './client.ts';
import { type OpsConnection, type OpsEvent, type OpsEventSink, opsEvents } from './events.ts';

const auditOnly = composeContexts([audit]);

/** Whether the database has the audit context's `audit.events` table (it may not be migrated yet). */
async function hasEventsTable(connection: OpsConnection): Promise<boolean> {
  const { rows } = await connection.query(`select to_regclass('audit.events') is not null as present`);
  return rows[0]?.present === true;
}

/** A Kysely dialect whose "pool" is the one connection given: the ORM then opens no connection of its own. */
function onConnection(connection: OpsConnection): PostgresDialect {
  const client = {
    query: (sql: string, params: readonly unknown[]) => connection.query(sql, [...params]),
    release: () => {},
  };
  return new PostgresDialect({
    pool: { connect: async () => client as never, end: async () => {}, options: {} },
  });
}

/**
 * Appends operations events to `audit.events` of the database they are about, through the audit context's own
 * repository (aggregate `database`, id = the database name, payload = the event), all on one connection: the
 * publisher's when given, else one opened for the event. A database without the audit context (not migrated, or
 * holding one restored context) has nowhere to record them and is skipped.
 */
export const auditEventSink: OpsEventSink = {
  async append(event: OpsEvent, databaseUrl: string, connection?: OpsConnection): Promise<void> {
    if (!connection) return withClient(databaseUrl, (own) => auditEventSink.append(event, databaseUrl, own));
    if (!(await hasEventsTable(connection))) return;
    const orm = await createOrm(auditOnly, databaseUrl, {
      driverOptions: onConnection(connection),
      slowQueryThreshold: undefined,
    });
    try {
      const { type, ...payload } = event;
      await new EventRepository(orm.em.fork()).append([
        {
          aggregateType: 'database',
          aggregateId: decodeURIComponent(new URL(databaseUrl).pathname.slice(1)),
          type,
          payload: { ...payload },
        },
      ]);
    } finally {
      await orm.close(true);
    }
  },
};

let recording = false;

/** Makes {@link opsEvents} append every event to `audit.events` (idempotent). */
export function recordOpsEventsInAudit(): void {
  if (recording) return;
  opsEvents.addSink(auditEventSink);
  recording = true;
}
