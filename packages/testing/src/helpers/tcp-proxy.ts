/**
 * A small TCP proxy for tests that break connections from the outside: in front of a real
 * server it forwards bytes both ways, and on command blackholes them (the sockets stay open and
 * nothing is forwarded, no FIN, no RST: the half-open case) or resets them (RST on both sides).
 * @module
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

/** Where the proxy forwards to. */
export interface ProxyTarget {
  readonly host: string;
  readonly port: number;
}

/** A running proxy; see {@link startTcpProxy}. */
export interface TcpProxy {
  /** The loopback address the proxy listens on. */
  readonly host: string;
  readonly port: number;
  /** Client connections open through the proxy now. */
  readonly open: number;
  /** Client connections accepted since the start. */
  readonly accepted: number;
  /**
   * From now on forward nothing: every open connection goes silent for good (its bytes are
   * dropped, its sockets stay open), and new connections are accepted and held without ever
   * reaching the server, until {@link TcpProxy.heal}.
   */
  blackhole(): void;
  /** New connections reach the server again (the connections blackholed before stay silent). */
  heal(): void;
  /** Silence one open connection for good (the oldest by default), like {@link TcpProxy.blackhole} for it alone. */
  silence(index?: number): boolean;
  /** Reset one open connection (the oldest by default): RST to the client and to the server. */
  cut(index?: number): boolean;
  /** Reset every open connection; returns how many. */
  cutAll(): number;
  /** Reset every connection and stop listening. */
  close(): Promise<void>;
}

interface Pair {
  readonly client: Socket;
  upstream: Socket | undefined;
  silent: boolean;
}

function reset(socket: Socket | undefined): void {
  if (socket === undefined || socket.destroyed) return;
  if (typeof socket.resetAndDestroy === 'function' && socket.readyState !== 'opening') socket.resetAndDestroy();
  else socket.destroy();
}

/**
 * Start a proxy on `127.0.0.1:<ephemeral port>` in front of `target`.
 * @example
 * ```ts
 * const proxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
 * // point a pool at 127.0.0.1:proxy.port, then:
 * proxy.blackhole(); // calls hang, the pool must notice
 * proxy.heal();      // new connections work again
 * await proxy.close();
 * ```
 */
export async function startTcpProxy(target: ProxyTarget): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let holding = false;
  let accepted = 0;

  const silence = (pair: Pair): void => {
    pair.silent = true;
    pair.client.unpipe();
    pair.upstream?.unpipe();
    // keep reading (and dropping) so that neither side sees back-pressure end the connection
    pair.client.resume();
    pair.upstream?.resume();
  };

  const server: Server = createServer((client) => {
    accepted++;
    const pair: Pair = { client, upstream: undefined, silent: holding };
    pairs.add(pair);
    const drop = (): void => {
      pairs.delete(pair);
      reset(pair.client);
      reset(pair.upstream);
    };
    client.on('error', () => undefined);
    client.on('close', drop);
    if (pair.silent) {
      client.resume();
      return;
    }
    const upstream = connect({ host: target.host, port: target.port });
    pair.upstream = upstream;
    upstream.on('error', () => undefined);
    upstream.on('close', drop);
    upstream.on('connect', () => {
      if (pair.silent) return silence(pair);
      client.pipe(upstream);
      upstream.pipe(client);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP address');

  const nth = (index: number): Pair | undefined => [...pairs][index];
  return {
    host: '127.0.0.1',
    port: address.port,
    get open() {
      return pairs.size;
    },
    get accepted() {
      return accepted;
    },
    blackhole() {
      holding = true;
      for (const pair of pairs) silence(pair);
    },
    heal() {
      holding = false;
    },
    silence(index = 0) {
      const pair = nth(index);
      if (pair === undefined) return false;
      silence(pair);
      return true;
    },
    cut(index = 0) {
      const pair = nth(index);
      if (pair === undefined) return false;
      pairs.delete(pair);
      reset(pair.client);
      reset(pair.upstream);
      return true;
    },
    cutAll() {
      const n = pairs.size;
      for (const pair of [...pairs]) {
        pairs.delete(pair);
        reset(pair.client);
        reset(pair.upstream);
      }
      return n;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const pair of [...pairs]) {
        pairs.delete(pair);
        reset(pair.client);
        reset(pair.upstream);
      }
      await closed;
    },
  };
}
