import { describe, expect, it } from 'vitest';
import { uniqueSuffix } from '../src/unique.ts';

describe('uniqueSuffix', () => {
  it('never repeats a value and uses only lower-case letters and digits', () => {
    const values = Array.from({ length: 1000 }, () => uniqueSuffix());
    expect(new Set(values).size).toBe(values.length);
    for (const value of values) expect(value).toMatch(/^[0-9a-f]+$/);
  });
});
