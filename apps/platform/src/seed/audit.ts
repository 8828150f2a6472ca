import { AuditLog, Event } from '@tessera/audit';
import { auditLogFactory, eventFactory } from '@tessera/audit/testing';
import { User } from '@tessera/identity';
import { DEMO_USERS_PER_SCALE, demoUserEmail } from './identity.ts';
import { type Seeder, type SeedReport, tally } from './registry.ts';

/** Demo outbox events per unit of `--scale`. */
export const DEMO_EVENTS_PER_SCALE = 5;

const demoEventId = (i: number) => `demo-event-${String(i).padStart(5, '0')}`;

/**
 * One `login` audit record per demo user (found again by the user: resource `session`, id = the user's id) and
 * `5 × scale` domain events (found again by aggregate id). Workflow audit records come from the workflows
 * seeder, through the audit trigger.
 */
export const auditSeeder: Seeder = {
  context: 'audit',
  after: ['identity'],
  async run({ em, scale }) {
    const report: SeedReport = {};
    const users = await em.find(
      User,
      { email: { $in: Array.from({ length: DEMO_USERS_PER_SCALE * scale }, (_, i) => demoUserEmail(i)) } },
      { fields: ['id'], orderBy: { email: 'asc' } },
    );
    const logged = new Set(
      (
        await em.find(
          AuditLog,
          { action: 'login', resourceType: 'session', resourceId: { $in: users.map((u) => u.id) } },
          { fields: ['resourceId'] },
        )
      ).map((l) => l.resourceId),
    );
    const newLogins = users.filter((u) => !logged.has(u.id));
    for (const user of newLogins) {
      await auditLogFactory(em, { userId: user.id, changes: { demo: true }, userAgent: 'tessera seed' });
    }
    tally(report, 'audit logs', newLogins.length, logged.size);

    const ids = Array.from({ length: DEMO_EVENTS_PER_SCALE * scale }, (_, i) => demoEventId(i));
    const known = new Set(
      (await em.find(Event, { aggregateType: 'demo', aggregateId: { $in: ids } }, { fields: ['aggregateId'] })).map(
        (e) => e.aggregateId,
      ),
    );
    const newIds = ids.filter((id) => !known.has(id));
    for (const [i, aggregateId] of newIds.entries()) {
      await eventFactory(em, { aggregateId, type: 'demo.seeded', payload: { n: i } });
    }
    tally(report, 'events', newIds.length, known.size);
    return report;
  },
};
