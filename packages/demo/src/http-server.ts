/**
 * The demo's in-process HTTP service: `GET <prefix>work` answers after a short, uneven delay
 * (mostly 1-3 ms, now and then 25 ms) so that the strategies differ in their tail latency.
 * It listens on a free loopback port and can be stopped and started again on the same port.
 * @module
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A restartable loopback HTTP server. */
export interface DemoHttpServer {
  readonly port: number;
  /** Requests answered so far. */
  readonly served: () => number;
  /** Close the listener and every open connection (keep-alive ones included). */
  stop(): Promise<void>;
  /** Listen again on the same port. */
  start(): Promise<void>;
}

/** How long one request takes: 1-3 ms, and 25 ms for about one request in 50. */
function delayMs(random: () => number): number {
  return random() < 0.02 ? 25 : 1 + Math.floor(random() * 3);
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Start the service on `port` (0: a free one). */
export async function startHttpServer(port = 0, random: () => number = Math.random): Promise<DemoHttpServer> {
  let served = 0;
  const make = (): Server =>
    createServer((req, res) => {
      const body = JSON.stringify({ ok: true, path: req.url });
      setTimeout(() => {
        served += 1;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(req.method === 'HEAD' ? undefined : body);
      }, delayMs(random));
    });
  let server = make();
  const bound = await listen(server, port);
  let running = true;
  return {
    port: bound,
    served: () => served,
    async stop() {
      if (!running) return;
      running = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
    async start() {
      if (running) return;
      server = make();
      await listen(server, bound);
      running = true;
    },
  };
}
