/**
 * The fault suite's HTTP(S) server, in the test process: `POST /w/<id>` counts the id and answers
 * 200; `kill()` is a crash from the clients' view (listener closed, every socket destroyed) and
 * `start()` listens again on the same port. The counts live in the test, so they survive it.
 * @module
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { PrivateServer } from './servers.js';

/** A running counting server. */
export interface CountingServer extends PrivateServer {
  /** How many times each id was posted. */
  readonly counts: ReadonlyMap<string, number>;
}

/** Start a counting server on 127.0.0.1 (a free port); https with `tls`. */
export async function startCountingServer(tls?: { cert: string; key: string }): Promise<CountingServer> {
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    req.resume();
    req.on('end', () => {
      const url = req.url ?? '/';
      if (req.method === 'POST' && url.startsWith('/w/')) {
        const id = decodeURIComponent(url.slice(3));
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      res.setHeader('content-type', 'text/plain');
      res.end('ok');
    });
  };
  const server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, onRequest) : createHttpServer(onRequest);
  server.keepAliveTimeout = 60_000;
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  const listen = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const kill = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    server.closeAllConnections();
    await closed;
  };
  return {
    port,
    counts,
    kill,
    start: () => listen(port),
    async dispose() {
      if (server.listening) await kill();
    },
  };
}
