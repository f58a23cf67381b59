/**
 * Real `node:http` / `node:https` servers on 127.0.0.1 for the tests: a small router, a log of
 * what arrived, and stop/restart on the same port.
 */
import { afterEach } from 'vitest';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as HttpsOptions } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

/** A route handler. */
export type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void | Promise<void>;

/** One request as the server saw it. */
export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** The SNI server name of a TLS connection (`false` when none was sent). */
  readonly servername: string | false | undefined;
}

/** A test server. */
export interface TestServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>` or `https://...`. */
  readonly origin: string;
  readonly seen: Seen[];
  /** Every socket the server accepted so far. */
  readonly accepted: number;
  route(path: string, handler: Handler): void;
  /** Close the listener and destroy every open socket (a crash, from the clients' view). */
  kill(): Promise<void>;
  /** Listen again on the same port. */
  start(): Promise<void>;
  /** Destroy the open sockets, keep listening (idle connections closed by the server). */
  dropConnections(): void;
  dispose(): Promise<void>;
}

/** Options of {@link startServer}. */
export interface ServerOptions {
  /** TLS key and certificate: an https server. */
  readonly tls?: HttpsOptions;
  /** `server.keepAliveTimeout`, ms (Node's default 5000). */
  readonly keepAliveTimeoutMs?: number;
  /** A fixed port (to start a server where a pool already points). */
  readonly port?: number;
  /** Address to listen on. Default `127.0.0.1`. */
  readonly host?: '127.0.0.1' | '::1';
  /** Do not listen yet: call `start()` later. */
  readonly stopped?: boolean;
}

/** Start a server on 127.0.0.1 or ::1 (port 0 unless given). Unrouted paths answer 200 `ok <method> <url>`. */
export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const routes = new Map<string, Handler>();
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const tlsSocket = req.socket as Partial<TLSSocket>;
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: body.toString('utf8'),
        servername: tlsSocket.encrypted ? (tlsSocket.servername ?? false) : undefined,
      });
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const handler = routes.get(path);
      if (handler) {
        Promise.resolve(handler(req, res, body)).catch(() => res.destroy());
        return;
      }
      res.setHeader('content-type', 'text/plain');
      res.end(`ok ${req.method} ${req.url}`);
    });
  };
  const make = (): Server => {
    const server = options.tls ? createHttpsServer(options.tls, onRequest) : createHttpServer(onRequest);
    server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 5000;
    server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      accepted++;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    server.on('tlsClientError', () => {});
    server.on('clientError', (_e, socket) => socket.destroy());
    return server;
  };
  let server: Server | undefined;
  let port = options.port ?? 0;
  const listen = async (): Promise<void> => {
    server = make();
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, options.host ?? '127.0.0.1', () => resolve());
    });
    port = (server.address() as AddressInfo).port;
  };
  const destroySockets = (): void => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };
  const kill = async (): Promise<void> => {
    const s = server;
    server = undefined;
    if (!s) return;
    const closed = new Promise<void>((resolve) => s.close(() => resolve()));
    destroySockets();
    await closed;
  };
  if (!options.stopped) await listen();
  if (port === 0) throw new Error('a stopped server needs a fixed port');
  return {
    get port() {
      return port;
    },
    get origin() {
      return `${options.tls ? 'https' : 'http'}://${options.host === '::1' ? '[::1]' : '127.0.0.1'}:${port}`;
    },
    seen,
    get accepted() {
      return accepted;
    },
    route: (path, handler) => routes.set(path, handler),
    kill,
    start: listen,
    dropConnections: destroySockets,
    dispose: kill,
  };
}

/** A port that nothing listens on right now (bound and released). */
export async function freePort(): Promise<number> {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolve after `ms` (for server handlers that must be slow). */
export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Inside a `describe`: `server(options)` starts a {@link TestServer} disposed after each test, and
 * `cleanup` takes more teardown steps (pools to stop), run after each test in reverse order.
 */
export function serversPerTest(): {
  cleanup: (() => Promise<void>)[];
  server: (options?: ServerOptions) => Promise<TestServer>;
} {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  const server = async (options: ServerOptions = {}): Promise<TestServer> => {
    const s = await startServer(options);
    cleanup.push(() => s.dispose());
    return s;
  };
  return { cleanup, server };
}
