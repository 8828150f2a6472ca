import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { cleanupStale, ensureTemplate } from '../src/index.ts';
import { completeMark } from '../src/templates.ts';
import { databaseExists, dropIfExists, query, testAdminUrl } from './helpers.ts';

const adminUrl = testAdminUrl();
const prefix = `svc${randomBytes(3).toString('hex')}_tpl_`;
const leftovers: string[] = [];

afterEach(() => {
  delete process.env.TESSERA_TEST_TEMPLATE_PREFIX;
  delete process.env.TESSERA_TEST_TEMPLATE_TTL_DAYS;
});
afterAll(async () => {
  for (const name of leftovers) await dropIfExists(adminUrl, name);
});

describe('TESSERA_TEST_TEMPLATE_PREFIX', () => {
  test('names the templates, and cleanup with a TTL of 0 drops only the templates with that prefix', async () => {
    process.env.TESSERA_TEST_TEMPLATE_PREFIX = prefix;
    const key = randomBytes(4).toString('hex');
    const ours = await ensureTemplate(adminUrl, key, async () => {});
    leftovers.push(ours);
    expect(ours).toBe(`${prefix}${key}`);
    // Someone else's template on the same server, just as unused.
    const theirs = `tessera_tpl_other_${randomBytes(4).toString('hex')}`;
    leftovers.push(theirs);
    await query(adminUrl, `CREATE DATABASE "${theirs}"`);
    await query(adminUrl, `COMMENT ON DATABASE "${theirs}" IS '${completeMark()}'`);

    await cleanupStale(adminUrl);
    expect(await databaseExists(adminUrl, ours)).toBe(true);

    process.env.TESSERA_TEST_TEMPLATE_TTL_DAYS = '0';
    await cleanupStale(adminUrl);
    expect(await databaseExists(adminUrl, ours)).toBe(false);
    expect(await databaseExists(adminUrl, theirs)).toBe(true);
  });

  test('refuses a prefix that is not a plain lower-case identifier, naming the variable', async () => {
    process.env.TESSERA_TEST_TEMPLATE_PREFIX = 'My-Prefix';
    await expect(ensureTemplate(adminUrl, 'x', async () => {})).rejects.toThrow(
      /TESSERA_TEST_TEMPLATE_PREFIX must be .* \(got "My-Prefix"\)/,
    );
  });
});
