import {
  declareConsistency,
  flushOrDetach,
  IllegalStateError,
  isUuid,
  NotFoundError,
  newId,
  pageLimit,
  translated,
  ValidationError,
  validateEntity,
  validateId,
} from '@tessera/kernel';
import { type IWorkflow, Workflow, type WorkflowStatus } from '../entities/workflow.entity.ts';
import { type IWorkflowVersion, WorkflowVersion } from '../entities/workflow-version.entity.ts';
import { ActorRepository } from '../rls.ts';

/** The largest page of {@link WorkflowRepository.list}. */
const MAX_WORKFLOW_PAGE = 500;

/** What {@link WorkflowRepository.create} needs: the workflow and the definition of its version 1. */
export interface CreateWorkflowInput {
  name: string;
  description?: string | null;
  tags?: string[] | null;
  metadata?: Record<string, unknown>;
  definition: Record<string, unknown>;
  changeSummary?: string | null;
}

/** A new version's content. */
export interface PublishVersionInput {
  definition: Record<string, unknown>;
  changeSummary?: string | null;
}

/** Filters of {@link WorkflowRepository.list}; all optional, combined with AND. */
export interface ListWorkflowsOptions {
  ownerId?: string;
  status?: WorkflowStatus;
  /** Workflows carrying this tag (GIN index on `tags`). */
  tag?: string;
  /** Workflows whose metadata contains this object (`@>`, GIN index on `metadata`). */
  metadata?: Record<string, unknown>;
  /** At most this many, newest first (1 to 500, default 50). */
  limit?: number;
}

/**
 * A workflow as a plain, typed row (what {@link WorkflowRepository.get} returns): no entity, no unit-of-work
 * bookkeeping. The owner and the current version are their ids.
 */
export interface WorkflowRecord {
  id: string;
  name: string;
  description: string | null;
  /** The id of the user who owns it. */
  createdBy: string;
  status: WorkflowStatus;
  currentVersionId: string | null;
  tags: string[] | null;
  metadata: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

const RECORD_BY_ID =
  'select id, name, description, created_by as "createdBy", status, current_version_id as "currentVersionId", ' +
  'tags, metadata, created_at as "createdAt", updated_at as "updatedAt" from workflows.workflows where id = $1';

const INSERT_WORKFLOW =
  'insert into workflows.workflows (id, name, description, tags, metadata, created_by, status) ' +
  "values ($1, $2, $3, $4, $5, $6, 'draft')";
const INSERT_VERSION =
  'insert into workflows.workflow_versions (id, workflow_id, version_number, definition, change_summary, created_by) ' +
  'values ($1, $2, 1, $3, $4, $5)';
const MAKE_CURRENT = 'update workflows.workflows set current_version_id = $1 where id = $2 returning *';

function requireDefinition(definition: unknown): void {
  if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) {
    throw new ValidationError('WorkflowVersion', 'definition', 'must be a JSON object');
  }
}

/**
 * Workflows and their versions, for one acting user. Every method runs as the application role with the actor's
 * settings, so row-level security decides what exists: another owner's workflow is simply not found. A method joins
 * the transaction of the EntityManager it was given, if any (see {@link ActorRepository}); otherwise each is a
 * transaction of its own.
 */
export class WorkflowRepository extends ActorRepository {
  /** Creates a workflow and its version 1, made current, in one round trip: both exist or neither. */
  async create(input: CreateWorkflowInput): Promise<IWorkflow> {
    const data = {
      name: typeof input.name === 'string' ? input.name.trim() : input.name,
      description: input.description ?? null,
      tags: input.tags ?? null,
      metadata: input.metadata ?? {},
      createdBy: this.actor.userId,
      status: 'draft' as const,
    };
    validateEntity(this.callerEm.getMetadata(Workflow), data);
    requireDefinition(input.definition);
    // The version's values by the same rules as every write (NUL bytes, circular or non-finite JSON, lengths).
    validateEntity(
      this.callerEm.getMetadata(WorkflowVersion),
      { definition: input.definition, changeSummary: input.changeSummary ?? null },
      new Set(['definition', 'changeSummary']),
    );
    const id = newId();
    const versionId = newId();
    // Three statements in one round trip: all or nothing (one implicit transaction, or part of the caller's). (One
    // statement cannot do it: the versions' policy must see the new workflow, which only a later statement can.)
    const [, , rows] = await this.batch([
      {
        name: 'workflows.insert',
        text: INSERT_WORKFLOW,
        values: [id, data.name, data.description, data.tags, JSON.stringify(data.metadata), data.createdBy],
      },
      {
        name: 'workflows.insert_version',
        text: INSERT_VERSION,
        values: [versionId, id, JSON.stringify(input.definition), input.changeSummary ?? null, data.createdBy],
      },
      { name: 'workflows.make_current', text: MAKE_CURRENT, values: [versionId, id] },
    ]);
    return this.actingEm.map(Workflow, rows?.[0] as Record<string, unknown>);
  }

  /** The workflow with this id, as this actor may see it; NotFoundError otherwise. One round trip. */
  async get(id: string): Promise<WorkflowRecord> {
    const [rows] = isUuid(id)
      ? await this.batch([{ name: 'workflows.record_by_id', text: RECORD_BY_ID, values: [id] }])
      : [];
    const row = rows?.[0] as
      | (Omit<WorkflowRecord, 'createdAt' | 'updatedAt'> & { createdAt: string | Date; updatedAt: string | Date })
      | undefined;
    if (!row) throw new NotFoundError('Workflow', { id });
    // MikroORM's pool leaves timestamps as text.
    const record = row as unknown as WorkflowRecord;
    record.createdAt = new Date(row.createdAt);
    record.updatedAt = new Date(row.updatedAt);
    return record;
  }

  /**
   * Publishes a new version and makes it current (a draft becomes active). The workflow row is locked first, so
   * concurrent publishes queue and each gets the next number: 1, 2, 3… without gaps or duplicates.
   */
  async publish(workflowId: string, input: PublishVersionInput): Promise<IWorkflowVersion> {
    requireDefinition(input.definition);
    return this.transactional(async (tx) => {
      const workflow = await this.findVisible(tx, Workflow, workflowId, true);
      if (workflow.status === 'archived') throw new IllegalStateError('Workflow', 'archived', 'a new version');
      const [last] = await tx.execute<{ n: number }[]>(
        'select coalesce(max(version_number), 0)::int as n from workflows.workflow_versions where workflow_id = ?',
        [workflow.id],
      );
      const version = tx.create(WorkflowVersion, {
        workflow,
        versionNumber: (last?.n ?? 0) + 1,
        definition: input.definition,
        changeSummary: input.changeSummary ?? null,
        createdBy: this.actor.userId,
      });
      workflow.currentVersion = version;
      if (workflow.status === 'draft') workflow.status = 'active';
      await flushOrDetach(tx, [version, workflow]);
      return version;
    });
  }

  /** Makes an earlier (or any existing) version current again; later versions are kept. */
  async rollback(workflowId: string, versionNumber: number): Promise<IWorkflow> {
    return this.transactional(async (tx) => {
      const workflow = await this.findVisible(tx, Workflow, workflowId, true);
      if (workflow.status === 'archived')
        throw new IllegalStateError('Workflow', 'archived', `version ${versionNumber}`);
      const version = await tx.findOne(WorkflowVersion, { workflow, versionNumber });
      if (!version) throw new NotFoundError('WorkflowVersion', { workflowId, versionNumber });
      workflow.currentVersion = version;
      await flushOrDetach(tx, [workflow]);
      return workflow;
    });
  }

  /** Archives a workflow; an archived workflow takes no new versions and starts no executions. */
  async archive(workflowId: string): Promise<IWorkflow> {
    return this.transactional(async (tx) => {
      const workflow = await this.findVisible(tx, Workflow, workflowId, true);
      if (workflow.status === 'archived') throw new IllegalStateError('Workflow', 'archived', 'archived');
      workflow.status = 'archived';
      await flushOrDetach(tx, [workflow]);
      return workflow;
    });
  }

  /** Deletes a workflow and (by cascade) its versions; the audit trigger records the deletion. */
  async delete(workflowId: string): Promise<void> {
    await this.transactional(async (tx) => {
      const workflow = await this.findVisible(tx, Workflow, workflowId, true);
      await translated(tx, () => tx.nativeDelete(Workflow, { id: workflow.id }));
      tx.getUnitOfWork().unsetIdentity(workflow);
    });
  }

  /** Every version of a workflow, oldest first. */
  async versions(workflowId: string): Promise<IWorkflowVersion[]> {
    return this.transactional(async (tx) => {
      const workflow = await this.findVisible(tx, Workflow, workflowId);
      return tx.find(WorkflowVersion, { workflow }, { orderBy: { versionNumber: 'asc' } });
    });
  }

  /** Workflows this actor can see, filtered by owner, status, tag and metadata, newest first. */
  async list(options: ListWorkflowsOptions = {}): Promise<IWorkflow[]> {
    const limit = pageLimit('Workflow', options.limit, { max: MAX_WORKFLOW_PAGE, default: 50 });
    if (options.ownerId !== undefined) validateId('Workflow', 'createdBy', options.ownerId);
    return this.transactional(async (tx) => {
      const qb = tx.createQueryBuilder(Workflow, 'w').select('*');
      if (options.ownerId !== undefined) qb.andWhere({ createdBy: options.ownerId });
      if (options.status !== undefined) qb.andWhere({ status: options.status });
      // `@>` is what the GIN indexes serve (an ANY() or a ->> comparison could not use them).
      if (options.tag !== undefined) qb.andWhere('w.tags @> array[?]::text[]', [options.tag]);
      if (options.metadata !== undefined) qb.andWhere('w.metadata @> ?::jsonb', [JSON.stringify(options.metadata)]);
      return qb.orderBy({ createdAt: 'desc', id: 'desc' }).limit(limit).getResultList();
    });
  }
}

// Read consistency per method (callers override with withConsistency); writes read the primary.
declareConsistency(WorkflowRepository, {
  reads: { get: 'read-your-writes', versions: 'read-your-writes', list: 'read-your-writes' },
  writes: ['create', 'publish', 'rollback', 'archive', 'delete'],
});
