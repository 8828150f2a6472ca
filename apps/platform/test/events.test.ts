import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { platform } from '../src/composition.ts';
import { auditEventSink } from '../src/ops/audit-sink.ts';
import { type OpsEvent, OpsEventBus } from '../src/ops/events.ts';
import { emptyDatabase, tessera, useEmptyDatabase } from './cli.ts';

const db = useTestDatabase(...platform.contexts);
const empty = useEmptyDatabase();

const backupEvent: OpsEvent = {
  type: 'db.backup.completed',
  file: '/backups/x.dump',
  context: null,
  bytes: 1234,
  tables: 3,
  ms: 10,
};

describe('the in-process event bus', () => {
  it('delivers events to subscribers of their type and of all types, until they unsubscribe', async () => {
    const bus = new OpsEventBus();
    const backups: OpsEvent[] = [];
    const all: string[] = [];
    const stop = bus.subscribe('db.backup.completed', (e) => {
      backups.push(e);
    });
    bus.subscribeAll((e) => {
      all.push(e.type);
    });
    await bus.publish(backupEvent, db.url);
    await bus.publish(
      { type: 'db.migration.completed', direction: 'up', migrations: ['m'], success: true, ms: 1 },
      db.url,
    );
    stop();
    await bus.publish(backupEvent, db.url);
    expect(backups).toEqual([backupEvent]);
    expect(all).toEqual(['db.backup.completed', 'db.migration.completed', 'db.backup.completed']);
  });

  it('keeps delivering when one subscriber or sink fails, and reports the failure', async () => {
    const bus = new OpsEventBus();
    const seen: string[] = [];
    const errors: string[] = [];
    bus.addSink({ append: () => Promise.reject(new Error('sink down')) });
    bus.subscribeAll(() => {
      throw new Error('subscriber broke');
    });
    bus.subscribeAll((e) => {
      seen.push(e.type);
    });
    await bus.publish(backupEvent, db.url, (e) => errors.push((e as Error).message));
    expect(seen).toEqual(['db.backup.completed']);
    expect(errors).toEqual(['sink down', 'subscriber broke']);
  });
});

describe('recording in audit.events', () => {
  it('appends an event about the database it concerns', async () => {
    await auditEventSink.append(backupEvent, db.url);
    const rows = await db.query(
      `select aggregate_type, aggregate_id, type, payload from audit.events where type = 'db.backup.completed'`,
    );
    expect(rows).toEqual([
      {
        aggregate_type: 'database',
        aggregate_id: new URL(db.url).pathname.slice(1),
        type: 'db.backup.completed',
        payload: { file: '/backups/x.dump', context: null, bytes: 1234, tables: 3, ms: 10 },
      },
    ]);
  });

  it('tessera migrate records the migrations it applied; a run with nothing to do records nothing', async () => {
    expect((await tessera(empty.url, 'migrate')).code).toBe(0);
    expect((await tessera(empty.url, 'migrate')).code).toBe(0);
    const rows = await empty.query(`select type, payload from audit.events where type = 'db.migration.completed'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.payload).toMatchObject({
      direction: 'up',
      success: true,
      migrations: (await empty.query('select name from tessera.migrations order by id')).map((r) => r.name),
    });
  });

  it('skips a database without the audit context instead of failing the operation', async () => {
    const bare = await emptyDatabase();
    try {
      await expect(auditEventSink.append(backupEvent, bare.url)).resolves.toBeUndefined();
    } finally {
      await bare.drop();
    }
  });
});
