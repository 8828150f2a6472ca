import { userFactory } from '@tessera/identity/testing';
import { IllegalStateError, NotFoundError } from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { WorkflowRepository, workflows } from '../src/index.ts';
import { workflowFactory } from '../src/testing.ts';

const db = useTestDatabase(workflows);

const versionNumbers = async (workflowId: string) =>
  (
    await db.query<{ version_number: number }>(
      'select version_number from workflows.workflow_versions where workflow_id = $1 order by 1',
      [workflowId],
    )
  ).map((r) => r.version_number);

const currentNumber = async (workflowId: string) =>
  (
    await db.query<{ n: number | null }>(
      `select v.version_number as n from workflows.workflows w
         left join workflows.workflow_versions v on v.id = w.current_version_id where w.id = $1`,
      [workflowId],
    )
  )[0]?.n;

describe('WorkflowRepository lifecycle', () => {
  it('creates a draft workflow with version 1 as its current version', async () => {
    const wf = await workflowFactory(db.em(), { name: '  Onboarding  ', tags: ['hr'] });
    expect(wf.name).toBe('Onboarding');
    expect(wf.status).toBe('draft');
    expect(await versionNumbers(wf.id)).toEqual([1]);
    expect(await currentNumber(wf.id)).toBe(1);
  });

  it('publishes new versions that become current (the draft becomes active), and rolls back to an earlier one', async () => {
    const wf = await workflowFactory(db.em());
    const repo = new WorkflowRepository(db.em(), { userId: wf.owner.id });
    const v2 = await repo.publish(wf.id, { definition: { steps: [] }, changeSummary: 'second' });
    expect(v2.versionNumber).toBe(2);
    const record = await repo.get(wf.id);
    // A plain record: the owner and the current version as ids, timestamps as dates.
    expect(record).toMatchObject({ id: wf.id, status: 'active', createdBy: wf.owner.id, currentVersionId: v2.id });
    expect(record.updatedAt).toBeInstanceOf(Date);
    expect(record.updatedAt.getTime()).toBeGreaterThanOrEqual(record.createdAt.getTime());
    await repo.publish(wf.id, { definition: { steps: ['x'] } });
    expect(await currentNumber(wf.id)).toBe(3);

    await new WorkflowRepository(db.em(), { userId: wf.owner.id }).rollback(wf.id, 1);
    expect(await currentNumber(wf.id)).toBe(1);
    expect(await versionNumbers(wf.id)).toEqual([1, 2, 3]);
    const versions = await new WorkflowRepository(db.em(), { userId: wf.owner.id }).versions(wf.id);
    expect(versions.map((v) => v.changeSummary)).toEqual([null, 'second', null]);
    await expect(repo.rollback(wf.id, 9)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('numbers concurrent publishes 2, 3, 4… without gaps or duplicates', async () => {
    const wf = await workflowFactory(db.em());
    const published = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        new WorkflowRepository(db.em(), { userId: wf.owner.id }).publish(wf.id, { definition: { i } }),
      ),
    );
    expect(published.map((v) => v.versionNumber).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(await versionNumbers(wf.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await currentNumber(wf.id)).toBe(7);
  });

  it('archives a workflow, after which it takes no new version and cannot be archived again', async () => {
    const wf = await workflowFactory(db.em());
    const repo = new WorkflowRepository(db.em(), { userId: wf.owner.id });
    expect((await repo.archive(wf.id)).status).toBe('archived');
    await expect(repo.publish(wf.id, { definition: {} })).rejects.toBeInstanceOf(IllegalStateError);
    await expect(repo.archive(wf.id)).rejects.toMatchObject({ code: 'ILLEGAL_STATE', entity: 'Workflow' });
    expect(await versionNumbers(wf.id)).toEqual([1]);
  });

  it('lists by owner, status, tag and metadata, newest first', async () => {
    const owner = await userFactory(db.em());
    const make = (name: string, tags: string[], metadata: Record<string, unknown>) =>
      workflowFactory(db.em(), { owner, name, tags, metadata });
    const a = await make('a', ['billing', 'nightly'], { team: 'ops', tier: 1 });
    const b = await make('b', ['billing'], { team: 'data' });
    await make('c', [], { team: 'ops' });
    const repo = new WorkflowRepository(db.em(), { userId: owner.id });
    await repo.archive(b.id);
    const names = async (o: Parameters<WorkflowRepository['list']>[0]) =>
      (await new WorkflowRepository(db.em(), { userId: owner.id }).list(o)).map((w) => w.name);

    expect(await names({ ownerId: owner.id })).toEqual(['c', 'b', 'a']);
    expect(await names({ tag: 'billing' })).toEqual(['b', 'a']);
    expect(await names({ metadata: { team: 'ops' } })).toEqual(['c', 'a']);
    expect(await names({ tag: 'billing', status: 'draft', metadata: { tier: 1 } })).toEqual(['a']);
    expect(await names({ status: 'archived' })).toEqual(['b']);
    expect(a.id).toBeTruthy();
  });

  it('deleting a workflow deletes its versions (cascade)', async () => {
    const wf = await workflowFactory(db.em());
    await new WorkflowRepository(db.em(), { userId: wf.owner.id }).publish(wf.id, { definition: {} });
    await new WorkflowRepository(db.em(), { userId: wf.owner.id }).delete(wf.id);
    expect(await versionNumbers(wf.id)).toEqual([]);
  });
});
