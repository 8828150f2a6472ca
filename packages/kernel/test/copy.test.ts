import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, copyLine, copyRows, copyValue, newId, UniqueViolationError } from '../src/index.ts';
import { useKernelDatabase } from './support/database.ts';

const db = useKernelDatabase();

describe('COPY', () => {
  it.each([
    [null, '\\N'],
    [undefined, '\\N'],
    ['a\tb\nc\\d\re', 'a\\tb\\nc\\\\d\\re'],
    [42, '42'],
    [10n, '10'],
    [true, 't'],
    [false, 'f'],
    [new Date('2031-04-20T10:00:00Z'), '2031-04-20T10:00:00.000Z'],
    [{ a: 'x\ty' }, '{"a":"x\\\\ty"}'],
  ])('encodes %o as %s', (value, encoded) => {
    expect(copyValue(value as never)).toBe(encoded);
  });

  it('copyLine joins values with tabs and ends the line', () => {
    expect(copyLine(['a', null, 3])).toBe('a\t\\N\t3\n');
  });

  it('streams many rows (more than one chunk) from an async source, and stores them exactly', async () => {
    const teamId = newId();
    await db.query(`insert into kt.teams (id, name, kind) values ($1, 'Copied', 'club')`, [teamId]);
    const count = Math.ceil(CHUNK_BYTES / 40) + 100;
    async function* rows() {
      for (let i = 0; i < count; i++) yield [newId(), teamId, `m${i}\t@example.com`, i % 2 ? null : i];
    }
    const sent = await copyRows(db.em(), 'kt.members', ['id', 'team_id', 'email', 'score'], rows());
    expect(sent).toBe(count);
    const stored = await db.query(
      `select count(*)::int as n, count(score)::int as scored, max(email) filter (where email like 'm0%') as first
         from kt.members where team_id = $1`,
      [teamId],
    );
    expect(stored).toEqual([{ n: count, scored: Math.ceil(count / 2), first: 'm0\t@example.com' }]);
  });

  it('inside a transaction it is part of it; a duplicate comes back typed and nothing is kept', async () => {
    const teamId = newId();
    await db.query(`insert into kt.teams (id, name, kind) values ($1, 'Copied twice', 'club')`, [teamId]);
    const line = (email: string) => [newId(), teamId, email];
    await expect(
      db
        .em()
        .transactional((tx) =>
          copyRows(tx, 'kt.members', ['id', 'team_id', 'email'], [line('x@example.com'), line('x@example.com')]),
        ),
    ).rejects.toMatchObject({ constructor: UniqueViolationError, entity: 'Member', fields: ['email'] });
    expect(await db.query(`select email from kt.members where team_id = $1`, [teamId])).toEqual([]);
  });
});
