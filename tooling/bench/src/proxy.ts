import net from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL that counts round trips: every time a client sends after the server last
 * spoke (or first), that is one more flight. Used only to count, never to time (it adds latency).
 */
export async function countingProxy(host: string, port: number) {
  let flights = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    let last: 'client' | 'server' = 'server';
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => {
      if (last === 'server') flights++;
      last = 'client';
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      last = 'server';
      client.write(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    /** Flights counted since the last reset. */
    take(): number {
      const n = flights;
      flights = 0;
      return n;
    },
    async close(): Promise<void> {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
