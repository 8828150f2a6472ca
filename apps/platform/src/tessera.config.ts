import { defineConfig } from '@tessera/cli';
import { platform } from './composition.ts';
import { useEmbeddedDatabase } from './embedded.ts';
import { recordOpsEventsInAudit } from './ops/audit-sink.ts';
import { opsEvents } from './ops/events.ts';

/**
 * The platform as a `tessera` composition: every context (closed), the embedded PostgreSQL when DATABASE_URL
 * is unset, and each migration run recorded as an ops event in the audit trail.
 */
export default defineConfig({
  contexts: platform.contexts,
  closed: true,
  database: useEmbeddedDatabase,
  async onMigrated({ direction, migrations, ms, url }) {
    recordOpsEventsInAudit();
    await opsEvents.publish(
      { type: 'db.migration.completed', direction, migrations: [...migrations], success: true, ms },
      url,
    );
  },
});
