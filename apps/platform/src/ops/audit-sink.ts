import { audit, EventRepository } from '@tessera/audit';
import { composeContexts, createOrm } from '@tessera/kernel';
import pg from 'pg';
import { type OpsEvent, type OpsEventSink, opsEvents } from './events.ts';

const auditOnly = composeContexts([audit]);

/** Whether the database at `url` has the audit context's `audit.events` table (it may not be migrated yet). */
async function hasEventsTable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    const { rows } = await client.query(`select to_regclass('audit.events') is not null as present`);
    return rows[0]?.present === true;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Appends operations events to `audit.events` of the database they are about, through the audit context's own
 * repository (aggregate `database`, id = the database name, payload = the event). A database without the audit
 * context (not migrated, or holding one restored context) has nowhere to record them and is skipped.
 */
export const auditEventSink: OpsEventSink = {
  async append(event: OpsEvent, databaseUrl: string): Promise<void> {
    if (!(await hasEventsTable(databaseUrl))) return;
    const orm = await createOrm(auditOnly, databaseUrl, { pool: { min: 0, max: 1 }, slowQueryThreshold: undefined });
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
