import { CheckViolationError, NotNullViolationError, translateDbError, ValidationError } from '@tessera/kernel';
import { describe, expect, it } from 'vitest';
import { checkRefusesBadInput } from '../src/bad-input.ts';
import { type BadInputCase, itRefusesBadInput, tableChecksums, useTestDatabase } from '../src/index.ts';
import { tt } from './fixture/src/context.ts';
import { NoteRepository } from './fixture/src/notes.ts';

const db = useTestDatabase(tt);
const schemas = ['tt'];
const add = (title: string) => () => new NoteRepository(db.em()).add(title);

describe('itRefusesBadInput passes for a repository that refuses bad input and writes nothing', () => {
  itRefusesBadInput(db, schemas, [
    { name: 'a blank title', run: add('  '), error: CheckViolationError, entity: 'Note', field: 'title' },
    { name: 'a title too long', run: add('x'.repeat(51)), error: ValidationError, entity: 'Note', field: 'title' },
    {
      name: 'no title at all',
      run: add(undefined as never),
      error: NotNullViolationError,
      entity: 'Note',
      field: 'title',
      check: (e) => expect(e.message).toMatch(/title/),
    },
    {
      name: 'raw SQL past the application check, refused by the database',
      run: () =>
        db.query(`insert into tt.notes (id, title) values (gen_random_uuid(), '')`).catch((e: unknown) => {
          throw translateDbError(e, db.orm.getMetadata());
        }),
      error: CheckViolationError,
      entity: 'Note',
      field: 'title',
    },
  ]);
});

describe('tableChecksums', () => {
  it('gives every table of the schemas a row count and a checksum that changes with the contents', async () => {
    const before = await tableChecksums(db, schemas);
    expect(Object.keys(before)).toEqual(['tt.notes']);
    expect(before['tt.notes']).toMatch(/^\d+:[0-9a-f]{32}$/);
    const note = await new NoteRepository(db.em()).add('counted');
    const after = await tableChecksums(db, schemas);
    expect(after['tt.notes']).not.toBe(before['tt.notes']);
    await db.query(`update tt.notes set title = 'changed' where id = $1`, [note.id]);
    expect((await tableChecksums(db, schemas))['tt.notes']).not.toBe(after['tt.notes']);
    expect(await tableChecksums(db, ['no_such_schema'])).toEqual({});
  });
});

describe('the check behind itRefusesBadInput fails', () => {
  const refusal: Omit<BadInputCase, 'run'> = { name: 'x', error: ValidationError, entity: 'Note', field: 'title' };

  it('when the bad input is accepted', async () => {
    await expect(checkRefusesBadInput(db, schemas, { ...refusal, run: add('accepted') })).rejects.toThrow(
      /the call succeeded/,
    );
  });

  it('when the error is of another class, entity or field', async () => {
    const refuse = () => Promise.reject(new ValidationError('Other', 'name', 'is wrong'));
    await expect(
      checkRefusesBadInput(db, schemas, { ...refusal, error: CheckViolationError, run: refuse }),
    ).rejects.toThrow();
    await expect(checkRefusesBadInput(db, schemas, { ...refusal, run: refuse })).rejects.toThrow(/Other/);
    await expect(checkRefusesBadInput(db, schemas, { ...refusal, entity: undefined, run: refuse })).rejects.toThrow(
      /name/,
    );
  });

  it('when the call refuses with the right error but changed the table', async () => {
    const writeThenRefuse = async () => {
      await db.query(`insert into tt.notes (id, title) values (gen_random_uuid(), 'half-written')`);
      throw new ValidationError('Note', 'title', 'is wrong');
    };
    await expect(checkRefusesBadInput(db, schemas, { ...refusal, run: writeThenRefuse })).rejects.toThrow(/tt\.notes/);
  });

  it('not when the changed table is one the call records its failure in by design', async () => {
    const recordThenRefuse = async () => {
      await db.query(`insert into tt.notes (id, title) values (gen_random_uuid(), 'failure record')`);
      throw new ValidationError('Note', 'title', 'is wrong');
    };
    await checkRefusesBadInput(db, schemas, { ...refusal, run: recordThenRefuse, failureRecordedIn: ['tt.notes'] });
  });
});
