import type { AddressInfo } from 'node:net';
import { describe, expect, test } from 'vitest';
import { tcpProxy } from '../src/index.ts';
import { query, testAdminUrl } from './helpers.ts';

describe('tcpProxy', () => {
  test('carries a connection to the server of the URL it was given', async () => {
    const proxy = tcpProxy(testAdminUrl());
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const url = new URL(testAdminUrl());
      url.hostname = '127.0.0.1';
      url.port = String((proxy.address() as AddressInfo).port);
      const [row] = await query<{ one: number }>(url.toString(), 'SELECT 1 AS one');
      expect(row?.one).toBe(1);
    } finally {
      proxy.close();
    }
  });
});
