import { User } from '@tessera/identity';
import { userFactory } from '@tessera/identity/testing';
import {
  CheckViolationError,
  ForeignKeyViolationError,
  NotNullViolationError,
  newId,
  translated,
  UniqueViolationError,
  ValidationError,
} from '@tessera/kernel';
import { useTestDatabase } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { AgentRepository, AgentTool, type CreateAgentInput, WorkflowRepository, workflows } from '../src/index.ts';
import { agentFactory, workflowFactory } from '../src/testing.ts';

const db = useTestDatabase(workflows);
const count = async (table: string) =>
  Number((await db.query<{ n: string }>(`select count(*) as n from workflows.${table}`))[0]?.n);

describe('workflow constraints', () => {
  it('an empty name is a CheckViolationError on name, and nothing is written', async () => {
    const owner = await userFactory(db.em());
    const before = [await count('workflows'), await count('workflow_versions')];
    const error = await new WorkflowRepository(db.em(), { userId: owner.id })
      .create({ name: '   ', definition: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckViolationError);
    expect(error).toMatchObject({ entity: 'Workflow', field: 'name', constraint: 'ck_workflows_name_not_empty' });
    expect([await count('workflows'), await count('workflow_versions')]).toEqual(before);
  });

  it('a name over 255 characters, a bad status or a missing definition are ValidationErrors', async () => {
    const owner = await userFactory(db.em());
    const repo = new WorkflowRepository(db.em(), { userId: owner.id });
    await expect(repo.create({ name: 'x'.repeat(256), definition: {} })).rejects.toMatchObject({ field: 'name' });
    await expect(repo.create({ name: 'ok', definition: undefined as never })).rejects.toMatchObject({
      entity: 'WorkflowVersion',
      field: 'definition',
    });
    await expect(repo.list({ status: 'paused' as never, limit: 0 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('the database enforces the CHECKs too (version_number > 0, name not blank)', async () => {
    const wf = await workflowFactory(db.em());
    await expect(
      db.query(
        `insert into workflows.workflow_versions (id, workflow_id, version_number, definition, created_by)
         values (gen_random_uuid(), $1, 0, '{}', $2)`,
        [wf.id, wf.owner.id],
      ),
    ).rejects.toMatchObject({ constraint: 'ck_workflow_versions_version_number_positive' });
    await expect(db.query(`update workflows.workflows set name = ' ' where id = $1`, [wf.id])).rejects.toMatchObject({
      constraint: 'ck_workflows_name_not_empty',
    });
  });

  it('a creator that does not exist is a ForeignKeyViolationError, and nothing is written', async () => {
    const before = await count('workflows');
    const error = await new WorkflowRepository(db.em(), { userId: '0193a0b0-0000-7000-8000-0000000000ff' })
      .create({ name: 'orphan', definition: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForeignKeyViolationError);
    expect(error).toMatchObject({ entity: 'Workflow', fields: ['createdBy'] });
    expect(await count('workflows')).toBe(before);
  });

  it('a user who owns workflows cannot be deleted (ON DELETE RESTRICT)', async () => {
    const wf = await workflowFactory(db.em());
    const em = db.em();
    const error = await translated(em, () => em.nativeDelete(User, { id: wf.owner.id })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForeignKeyViolationError);
    expect(error).toMatchObject({ entity: 'User' });
  });

  it('deleting the current version leaves the workflow without one (ON DELETE SET NULL)', async () => {
    const wf = await workflowFactory(db.em());
    await db.query('delete from workflows.workflow_versions where workflow_id = $1', [wf.id]);
    expect(await db.query('select current_version_id from workflows.workflows where id = $1', [wf.id])).toEqual([
      { current_version_id: null },
    ]);
  });
});

describe('agent constraints', () => {
  it.each<[string, Partial<CreateAgentInput>, string, string]>([
    ['a blank name', { name: ' ' }, 'name', 'ck_agents_name_not_empty'],
    ['a temperature above 2', { temperature: 2.5 }, 'temperature', 'ck_agents_temperature_range'],
    ['a negative temperature', { temperature: -0.1 }, 'temperature', 'ck_agents_temperature_range'],
    ['zero max tokens', { maxTokens: 0 }, 'maxTokens', 'ck_agents_max_tokens_positive'],
  ])('%s is a CheckViolationError naming the field', async (_, bad, field, constraint) => {
    const error = await agentFactory(db.em(), bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckViolationError);
    expect(error).toMatchObject({ entity: 'Agent', field, constraint });
  });

  it('an unknown type is a ValidationError and a missing configuration a NotNullViolationError', async () => {
    await expect(agentFactory(db.em(), { type: 'crew' as never })).rejects.toMatchObject({ field: 'type' });
    await expect(agentFactory(db.em(), { configuration: undefined as never })).rejects.toBeInstanceOf(
      NotNullViolationError,
    );
  });

  it('the database enforces the agent CHECKs too', async () => {
    const agent = await agentFactory(db.em());
    await expect(
      db.query('update workflows.agents set temperature = 3 where id = $1', [agent.id]),
    ).rejects.toMatchObject({
      constraint: 'ck_agents_temperature_range',
    });
    await expect(
      db.query('update workflows.agents set max_tokens = 0 where id = $1', [agent.id]),
    ).rejects.toMatchObject({
      constraint: 'ck_agents_max_tokens_positive',
    });
  });

  it('a tool name is unique per agent: a UniqueViolationError, from the repository and from the database', async () => {
    const agent = await agentFactory(db.em());
    const repo = new AgentRepository(db.em(), { userId: agent.owner.id });
    await repo.addTool(agent.id, { toolName: 'search', toolType: 'function', configuration: {} });
    await expect(
      repo.addTool(agent.id, { toolName: 'search', toolType: 'api', configuration: {} }),
    ).rejects.toMatchObject({ code: 'UNIQUE_VIOLATION', entity: 'AgentTool', fields: ['agent', 'toolName'] });
    // A racing writer that passed the pre-check still meets the database's unique key.
    const em = db.em();
    const error = await translated(em, () =>
      em.insert(AgentTool, {
        id: newId(),
        agent: agent.id,
        toolName: 'search',
        toolType: 'api',
        configuration: {},
      } as never),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(error).toMatchObject({ entity: 'AgentTool', fields: ['agent', 'toolName'] });
    // Another agent may use the same name.
    const other = await agentFactory(db.em(), { owner: agent.owner });
    await expect(
      repo.addTool(other.id, { toolName: 'search', toolType: 'function', configuration: {} }),
    ).resolves.toBeTruthy();
  });

  it('enables and disables a tool, and lists tools by that switch', async () => {
    const agent = await agentFactory(db.em());
    const repo = new AgentRepository(db.em(), { userId: agent.owner.id });
    const a = await repo.addTool(agent.id, { toolName: 'a', toolType: 'function', configuration: {} });
    await repo.addTool(agent.id, { toolName: 'b', toolType: 'plugin', configuration: {} });
    expect((await repo.setToolEnabled(a.id, false)).isEnabled).toBe(false);
    const fresh = new AgentRepository(db.em(), { userId: agent.owner.id });
    expect((await fresh.tools(agent.id, { enabled: true })).map((t) => t.toolName)).toEqual(['b']);
    expect((await fresh.tools(agent.id, { enabled: false })).map((t) => t.toolName)).toEqual(['a']);
    await fresh.setToolEnabled(a.id, true);
    expect((await fresh.tools(agent.id)).map((t) => [t.toolName, t.isEnabled])).toEqual([
      ['a', true],
      ['b', true],
    ]);
  });

  it('deleting an agent deletes its tools (cascade)', async () => {
    const agent = await agentFactory(db.em());
    await new AgentRepository(db.em(), { userId: agent.owner.id }).addTool(agent.id, {
      toolName: 't',
      toolType: 'api',
      configuration: {},
    });
    await db.query('delete from workflows.agents where id = $1', [agent.id]);
    expect(await db.query('select 1 from workflows.agent_tools where agent_id = $1', [agent.id])).toEqual([]);
  });
});
