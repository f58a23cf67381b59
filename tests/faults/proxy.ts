/**
 * A small TCP proxy that misbehaves on demand, between the pools and a real server.
 *
 * Modes (switch with {@link FaultProxy.setMode}):
 * - `pass`: forward every byte both ways.
 * - `blackhole`: the half-open case. Every socket open now, and every socket accepted while in
 *   this mode, stays open and forwards nothing, ever (no FIN, no RST, bytes dropped), even after
 *   the mode changes back: the pools must notice by themselves. New connections after the heal pass.
 * - `refuse`: the listener is closed (new connections get ECONNREFUSED); open sockets still pass.
 * - `reset`: every open socket is reset (RST to the client, the server side destroyed), and every
 *   new connection is reset at once while in this mode.
 * - `slow`: every chunk is held `slowMs` before it is forwarded (order kept, both ways).
 * - `partition`: nothing is forwarded and new connections are accepted but stalled; bytes (and
 *   closes) wait in order and are all delivered when the mode changes (a network that heals:
 *   TCP retransmits what was sent meanwhile).
 * @module
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

/** What the proxy does with traffic: see the module comment. */
export type FaultMode = 'pass' | 'blackhole' | 'refuse' | 'reset' | 'slow' | 'partition';

const END = Symbol('end');
type Item = Buffer | typeof END;

/** One direction of a link: bytes from `from` waiting to be written to `to`. */
class Direction {
  readonly queue: Item[] = [];
  busy = false;
  constructor(
    readonly link: Link,
    readonly to: Socket,
  ) {}
}

/** A client socket and its server socket. */
class Link {
  /** Blackholed: forwards nothing, forever. */
  dead = false;
  readonly up: Direction;
  readonly down: Direction;
  constructor(
    readonly client: Socket,
    readonly server: Socket,
  ) {
    this.up = new Direction(this, server);
    this.down = new Direction(this, client);
  }
  destroy(reset: boolean): void {
    if (reset && !this.client.destroyed) this.client.resetAndDestroy();
    else this.client.destroy();
    this.server.destroy();
  }
}

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** The server the proxy forwards to. Default host `127.0.0.1`. */
  readonly targetHost?: string;
  readonly targetPort: number;
  /** How long `slow` holds each chunk, ms. Default 100. */
  readonly slowMs?: number;
}

/** A running proxy: see {@link startFaultProxy}. */
export interface FaultProxy {
  /** The port the proxy listens on (127.0.0.1, chosen by the system). */
  readonly port: number;
  readonly mode: FaultMode;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Links (client + server socket pairs) open now. */
  readonly open: number;
  /** Switch mode; resolves once the listener is closed / listening again as the mode needs. */
  setMode(mode: FaultMode): Promise<void>;
  /** Destroy every socket and close the listener. */
  close(): Promise<void>;
}

/**
 * Start a proxy on 127.0.0.1 (a port the system picks) in front of `targetHost:targetPort`.
 * @example
 * ```ts
 * const proxy = await startFaultProxy({ targetPort: 6379 });
 * await proxy.setMode('blackhole'); // the pools' sockets go silent
 * await proxy.setMode('pass');      // new connections pass; the blackholed ones stay silent
 * await proxy.close();
 * ```
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const targetHost = options.targetHost ?? '127.0.0.1';
  const slowMs = options.slowMs ?? 100;
  const links = new Set<Link>();
  let mode: FaultMode = 'pass';
  let accepted = 0;
  let closed = false;

  const deliver = (d: Direction, item: Item): void => {
    if (d.to.destroyed) return;
    if (item === END) d.to.end();
    else d.to.write(item);
  };
  const pump = (d: Direction): void => {
    if (d.busy || d.link.dead) return;
    while (d.queue.length > 0) {
      if (mode === 'partition') return; // delivered on the heal
      if (mode === 'slow') {
        d.busy = true;
        setTimeout(() => {
          d.busy = false;
          const item = d.queue.shift();
          if (item !== undefined && !d.link.dead) deliver(d, item);
          pump(d);
        }, slowMs);
        return;
      }
      deliver(d, d.queue.shift() as Item);
    }
  };
  const enqueue = (d: Direction, item: Item): void => {
    if (d.link.dead) return; // blackholed: dropped
    d.queue.push(item);
    pump(d);
  };
  const wire = (from: Socket, d: Direction, link: Link): void => {
    from.on('data', (chunk: Buffer) => enqueue(d, chunk));
    from.on('end', () => enqueue(d, END));
    from.on('error', () => undefined);
    from.on('close', () => {
      // A reset or an error: the other side goes too, unless blackholed or partitioned (then it
      // learns nothing, or learns it on the heal through the queued END).
      if (link.dead) return;
      if (from.readableEnded) return;
      enqueue(d, END);
    });
  };
  const forget = (link: Link): void => {
    if (link.client.destroyed && link.server.destroyed) links.delete(link);
  };

  const onConnection = (client: Socket): void => {
    accepted += 1;
    client.on('error', () => undefined);
    if (closed || mode === 'reset') {
      client.resetAndDestroy();
      return;
    }
    client.setNoDelay(true);
    const server = connect({ host: targetHost, port: options.targetPort });
    server.setNoDelay(true);
    const link = new Link(client, server);
    if (mode === 'blackhole') link.dead = true;
    links.add(link);
    server.on('error', () => {
      if (!link.dead) link.destroy(false);
    });
    wire(client, link.up, link);
    wire(server, link.down, link);
    client.on('close', () => forget(link));
    server.on('close', () => forget(link));
  };

  let server: Server = createServer(onConnection);
  const listen = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fault proxy: no port');
  const port = address.port;

  const closeListener = (): void => {
    if (server.listening) server.close();
  };

  return {
    port,
    get mode() {
      return mode;
    },
    get accepted() {
      return accepted;
    },
    get open() {
      for (const link of links) forget(link);
      return links.size;
    },
    async setMode(next) {
      const previous = mode;
      mode = next;
      if (next === 'blackhole') for (const link of links) link.dead = true;
      if (next === 'reset') for (const link of [...links]) link.destroy(true);
      if (next === 'refuse') closeListener();
      if (previous === 'refuse' && next !== 'refuse' && !closed) {
        server = createServer(onConnection);
        await listen(port);
      }
      if (next !== 'partition' && next !== 'slow') {
        for (const link of links) {
          pump(link.up);
          pump(link.down);
        }
      }
    },
    async close() {
      closed = true;
      for (const link of [...links]) link.destroy(false);
      links.clear();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
