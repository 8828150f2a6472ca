import { connect, createServer, type Server } from 'node:net';

/**
 * A TCP proxy to the server of the PostgreSQL URL `url`, not yet listening: each connection it accepts is piped to
 * a fresh connection to that host and port (5432 when the URL names none). Listen on it and close it yourself.
 */
export function tcpProxy(url: string): Server {
  const target = new URL(url);
  return createServer((socket) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
}
