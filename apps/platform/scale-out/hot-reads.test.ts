import type { MikroORM } from '@mikro-orm/postgresql';
import { ExecutionRepository, executions } from '@tessera/executions';
import { type IUser, identity, UserRepository } from '@tessera/identity';
import {
  type Consistency,
  composeContexts,
  createOrm,
  NotFoundError,
  type ReplicaRouter,
  routerOf,
  sql,
  sqlResult,
  withConsistency,
  withReadScope,
} from '@tessera/kernel';
import { DocumentRepository, knowledge } from '@tessera/knowledge';
import { migrateDatabase, type ReplicatedServer, startReplicatedServer } from '@tessera/testing';
import { WorkflowRepository, workflows } from '@tessera/workflows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The hot reads run on the kernel's raw SQL path (sql / sqlBatch), not through the ORM's query builder: these
// tests show that path follows the same replica routing as the ORM's reads. A real primary and streaming replica.
const ITER = Number(process.env.HOT_READS_ITER ?? 300);
let server: ReplicatedServer;
let orm: MikroORM;
let router: ReplicaRouter;
let owner: IUser;
let workflowId: string;
let url: string;
let composition: ReturnType<typeof composeContexts>;

const served = () => router.status()[0]?.served ?? 0;
const users = () => new UserRepository(orm.em.fork());
const runs = () => new ExecutionRepository(orm.em.fork(), { userId: owner.id });
const documents = () => new DocumentRepository(orm.em.fork());
const newDocument = (title: string) =>
  documents().create({ title, content: `${title} body`, documentType: 'PDF', source: `s3://docs/${title}.pdf` });

/** Whether each hot read sees a row written just now: a user by e-mail, an execution in the list, a document. */
async function hotReads(email: string, executionId: string, documentId: string) {
  const user = await users().findByEmail(email);
  const listed = await runs().listByWorkflow(workflowId, { limit: 100 });
  const document = await documents()
    .getVisible(owner.id, documentId)
    .catch((error: unknown) => (error instanceof NotFoundError ? null : Promise.reject(error)));
  return {
    user: user?.email === email,
    execution: listed.some((e) => e.id === executionId),
    document: document?.id === documentId,
  };
}

/** A new user, execution and document, written on the primary. */
async function writeRows(tag: string) {
  const email = `${tag}@example.com`;
  await users().register({ email, username: tag });
  const execution = await runs().start(workflowId);
  const document = await newDocument(tag);
  return { email, executionId: execution.id, documentId: document.id };
}

/**
 * Runs `fn` with the replica's replay paused. The replica first replays everything written so far: paused in the
 * middle of a transaction that took an ACCESS EXCLUSIVE lock (a migration's DDL, say), it would hold that lock until
 * replay resumed, and a read of the table on the replica would wait for it.
 */
async function pausedReplay<T>(fn: () => Promise<T>): Promise<T> {
  await server.waitForReplay();
  await server.sql('replica', 'select pg_wal_replay_pause()');
  try {
    return await fn();
  } finally {
    await server.sql('replica', 'select pg_wal_replay_resume()');
  }
}

beforeAll(async () => {
  server = await startReplicatedServer();
  url = await server.createDatabase('replicas_hot_reads');
  composition = composeContexts([identity, workflows, executions, knowledge]);
  await migrateDatabase(composition, url);
  // A lag budget far above the test's length: a paused replica stays usable for lag-tolerant reads.
  orm = await createOrm(composition, url, {
    replicaSettings: { urls: [server.replicaUrlFor(url)], maxLagMs: 600_000, checkIntervalMs: 20 },
  });
  router = routerOf(orm.em) as ReplicaRouter;
  owner = await users().register({ email: 'owner@example.com', username: 'owner', accessLevel: 3 });
  const workflow = await new WorkflowRepository(orm.em.fork(), { userId: owner.id }).create({
    name: 'hot reads',
    definition: { steps: [] },
  });
  workflowId = workflow.id;
}, 120_000);

afterAll(async () => {
  await orm?.close(true);
  await server?.stop();
});

describe('the hot reads on the raw SQL path, with a streaming replica', () => {
  it('under `replica` they are served by the replica (which lags), under `primary` by the primary', async () => {
    await pausedReplay(async () => {
      const rows = await writeRows('lagging');
      await router.sample();
      const at = async (consistency: Consistency) => {
        const before = served();
        const seen = await withConsistency(consistency, () => hotReads(rows.email, rows.executionId, rows.documentId));
        return { seen, replicaReads: served() - before };
      };
      // The replica has not replayed the writes: reads it served cannot see them.
      expect(await at('replica')).toEqual({
        seen: { user: false, execution: false, document: false },
        replicaReads: 3,
      });
      expect(await at('primary')).toEqual({ seen: { user: true, execution: true, document: true }, replicaReads: 0 });
    });
  });

  it(`read-your-writes with replay paused: ${ITER} write-then-read iterations give 0 stale reads`, async () => {
    let stale = 0;
    await pausedReplay(async () => {
      for (let i = 0; i < ITER; i++) {
        await withReadScope(async () => {
          const rows = await writeRows(`ryw-${i}`);
          const seen = await hotReads(rows.email, rows.executionId, rows.documentId);
          stale += Object.values(seen).filter((s) => !s).length;
        });
      }
    });
    expect(stale).toBe(0);
  }, 600_000);

  it('read-your-writes: a scope whose writes the replica has replayed reads from the replica again', async () => {
    await withReadScope(async () => {
      const rows = await writeRows('replayed');
      await server.waitForReplay();
      await router.sample();
      const before = served();
      expect(await hotReads(rows.email, rows.executionId, rows.documentId)).toEqual({
        user: true,
        execution: true,
        document: true,
      });
      expect(served() - before).toBe(3);
    });
  });

  it('a statement that writes runs on the primary under `replica`, and later read-your-writes reads see it', async () => {
    await sql(orm.em.fork(), { text: 'create sequence identity.hot_reads_seq' });
    await server.waitForReplay();
    await router.sample();
    await pausedReplay(() =>
      withReadScope(async () => {
        const before = served();
        const renamed = await withConsistency('replica', () =>
          sqlResult(orm.em.fork(), {
            text: 'update identity.users set full_name = $2 where id = $1',
            values: [owner.id, 'Renamed Owner'],
          }),
        );
        expect(renamed.rowCount).toBe(1);
        // A select that writes: the replica (read-only) refuses it and the primary runs it.
        const [next] = await withConsistency('replica', () =>
          sql<{ n: string }>(orm.em.fork(), { text: "select nextval('identity.hot_reads_seq') as n" }),
        );
        expect(next?.n).toBe('1');
        expect(served()).toBe(before);
        expect((await users().findByEmail(owner.email))?.fullName).toBe('Renamed Owner');
      }),
    );
  });

  it('reads inside a transaction use the transaction’s connection on the primary', async () => {
    await pausedReplay(async () => {
      const rows = await writeRows('in-transaction');
      const before = served();
      const user = await orm.em
        .fork()
        .transactional((tx) => withConsistency('replica', () => new UserRepository(tx).findByEmail(rows.email)));
      expect(user?.email).toBe(rows.email);
      expect(served()).toBe(before);
    });
  });

  it('with readsOnPrimary the primary takes its turn with the replica', async () => {
    const balanced = await createOrm(composition, url, {
      replicaSettings: {
        urls: [server.replicaUrlFor(url)],
        maxLagMs: 600_000,
        checkIntervalMs: 20,
        readsOnPrimary: true,
      },
    });
    try {
      const shared = routerOf(balanced.em) as ReplicaRouter;
      await server.waitForReplay();
      await shared.sample();
      const before = { replica: shared.status()[0]?.served ?? 0, primary: shared.primaryReads };
      const found: (string | undefined)[] = [];
      for (let i = 0; i < 10; i++) {
        const user = await withConsistency('replica', () =>
          new UserRepository(balanced.em.fork()).findByEmail(owner.email),
        );
        found.push(user?.email);
      }
      expect(found).toEqual(Array(10).fill(owner.email));
      expect({
        replica: (shared.status()[0]?.served ?? 0) - before.replica,
        primary: shared.primaryReads - before.primary,
      }).toEqual({ replica: 5, primary: 5 });
    } finally {
      await balanced.close(true);
    }
  });
});
