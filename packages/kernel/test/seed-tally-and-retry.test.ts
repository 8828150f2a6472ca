import { describe, expect, it } from 'vitest';
import { connectionSettings, connectWithRetry, DatabaseConnectionError, type SeedReport, tally } from '../src/index.ts';

describe('tally', () => {
  it('adds each batch of natural keys to the kind it counts, starting from zero', () => {
    const report: SeedReport = {};
    tally(report, 'users', 3, 0);
    tally(report, 'users', 1, 2);
    tally(report, 'documents', 0, 5);
    expect(report).toEqual({ users: { created: 4, existing: 2 }, documents: { created: 0, existing: 5 } });
  });
});

describe('connectWithRetry', () => {
  const settings = { ...connectionSettings({}), connectAttempts: 3, connectBackoffMs: 1 };
  const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });

  it('retries a refused connection with backoff and returns what the attempt that succeeds returns', async () => {
    const seen: number[] = [];
    let calls = 0;
    const result = await connectWithRetry(
      'postgresql://app@127.0.0.1:1/app',
      async () => {
        calls++;
        if (calls < 3) throw refused();
        return 'connected';
      },
      settings,
      (attempt) => seen.push(attempt),
    );
    expect(result).toBe('connected');
    expect(seen).toEqual([1, 2]);
  });

  it('fails at once, naming the variable, on an error that retrying cannot fix', async () => {
    let calls = 0;
    const error = await connectWithRetry(
      'postgresql://app:secret@127.0.0.1:1/app',
      async () => {
        calls++;
        throw Object.assign(new Error('password authentication failed for user "app"'), { code: '28P01' });
      },
      settings,
      () => {},
      { variable: 'DATABASE_URL' },
    ).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(error).toBeInstanceOf(DatabaseConnectionError);
    expect((error as Error).message).toContain('DATABASE_URL');
    expect((error as Error).message).not.toContain('secret');
  });
});
