import { defineConfig } from '@tessera/cli';
import { platform } from './composition.ts';
import { useEmbeddedDatabase } from './embedded.ts';
import { recordOpsEventsInAudit } from './ops/audit-sink.ts';
import { opsEvents } from './ops/events.ts';

/**
 * The platform as a `tessera` composition: every context (closed), the embedded PostgreSQL when DATABASE_URL
 * is unset, and each migration run and resolve recorded as an ops event in the audit trail.
 */
export default defineConfig({
  contexts: platform.contexts,
  closed: true,
  database: useEmbeddedDatabase,
  // On the run's own connection: a migrate opens one connection, its completion event included.
  async onMigrated({ direction, migrations, ms, url, connection }) {
    recordOpsEventsInAudit();
    await opsEvents.publish(
      { type: 'db.migration.completed', direction, migrations: [...migrations], success: true, ms },
      url,
      undefined,
      connection,
    );
  },
  async onResolved({ migration, context, resolution, url, connection }) {
    recordOpsEventsInAudit();
    await opsEvents.publish(
      { type: 'db.migration.resolved', migration, context, resolution },
      url,
      undefined,
      connection,
    );
  },
});
