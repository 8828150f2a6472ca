import { expect, it } from 'vitest';
import { useTestDatabase } from '../src/index.ts';
import { tt } from './fixture/src/context.ts';
import { NoteRepository } from './fixture/src/notes.ts';

// isolation-one and isolation-two each write one note: run in either order or at once, each file sees only its own.
const db = useTestDatabase(tt);

it("sees only the note this file wrote, none of the other file's", async () => {
  await new NoteRepository(db.em()).add('written by two');
  expect(await db.query('select title from tt.notes')).toEqual([{ title: 'written by two' }]);
});
