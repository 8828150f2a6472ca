import type { EntityManager } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { newId, Repository, sql } from '../src/index.ts';
import { useKernelDatabase } from './support/database.ts';

const db = useKernelDatabase();

class TeamRepository extends Repository {
  async add(name: string): Promise<void> {
    await sql(this.em, {
      text: `insert into kt.teams (id, name, kind) values ($1, $2, 'club')`,
      values: [newId(), name],
    });
  }
}

const stored = (name: string) => db.query('select name from kt.teams where name = $1', [name]);

describe('Repository', () => {
  it('keeps the EntityManager it was given', () => {
    const em: EntityManager = db.em();
    expect(new TeamRepository(em).em).toBe(em);
  });

  it("works with that EntityManager: inside a transaction its writes roll back with the caller's", async () => {
    await new TeamRepository(db.em()).add('Kept');
    await expect(
      db.em().transactional(async (tx) => {
        await new TeamRepository(tx).add('Undone');
        throw new Error('caller gives up');
      }),
    ).rejects.toThrow('caller gives up');
    expect(await stored('Kept')).toEqual([{ name: 'Kept' }]);
    expect(await stored('Undone')).toEqual([]);
  });
});
