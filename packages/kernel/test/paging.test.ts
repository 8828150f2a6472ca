import { describe, expect, it } from 'vitest';
import { newId } from '../src/base.ts';
import { ValidationError } from '../src/errors.ts';
import { decodeCursor, encodeCursor, idCursor, pageLimit, pageOf } from '../src/paging.ts';

const LIMITS = { max: 100, default: 20 };

describe('page limits', () => {
  it('takes the default when no limit is given and a whole number within the bounds as is', () => {
    expect(pageLimit('Team', undefined, LIMITS)).toBe(20);
    expect(pageLimit('Team', 1, LIMITS)).toBe(1);
    expect(pageLimit('Team', 100, LIMITS)).toBe(100);
  });

  it.each([0, -1, 101, 1.5, Number.NaN])('refuses a limit of %o, naming the entity and the field', (limit) => {
    expect(() => pageLimit('Team', limit, LIMITS)).toThrow(
      new ValidationError('Team', 'limit', 'must be a whole number from 1 to 100'),
    );
  });

  it('turns a page and a limit into an offset', () => {
    expect(pageOf('Team', {}, LIMITS)).toEqual({ page: 1, limit: 20, offset: 0 });
    expect(pageOf('Team', { page: 3, limit: 10 }, LIMITS)).toEqual({ page: 3, limit: 10, offset: 20 });
  });

  it.each([0, 2.5])('refuses page %o', (page) => {
    expect(() => pageOf('Team', { page }, LIMITS)).toThrow(
      new ValidationError('Team', 'page', 'must be a whole number, 1 or more'),
    );
  });
});

describe('cursors', () => {
  it('reads back the position a keyset cursor was made from', () => {
    const position = { timestamp: new Date('2026-01-02T03:04:05.678Z'), id: newId() };
    expect(decodeCursor('Team', encodeCursor(position))).toEqual(position);
  });

  it.each(['', 'not-a-cursor', Buffer.from('2026-01-01T00:00:00Z|x').toString('base64url')])(
    'refuses keyset cursor %o',
    (cursor) => {
      expect(() => decodeCursor('Team', cursor)).toThrow(
        new ValidationError('Team', 'cursor', 'is not a cursor returned by a previous page'),
      );
    },
  );

  it('takes an id cursor, null for the first page, and refuses anything else', () => {
    const id = newId();
    expect(idCursor('Team', id)).toBe(id);
    expect(idCursor('Team', undefined)).toBeNull();
    expect(idCursor('Team', null)).toBeNull();
    expect(() => idCursor('Team', 'nope')).toThrow(
      new ValidationError('Team', 'cursor', 'is not a cursor returned by a previous page'),
    );
  });
});
