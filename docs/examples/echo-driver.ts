/**
 * A complete small pool type: `echo`, a line-based protocol over TCP (or TLS). The client sends
 * one line, the server answers one line. `docs/writing-a-pool-type.md` walks through it, and
 * `tests/docs-example.test.ts` runs it against a `node:net` echo server.
 *
 * ```toml
 * [outgoing_pools.echo.default]
 * workers = 2
 *
 * [outgoing_pools.echo.default.connection]
 * host = "127.0.0.1"
 * port = 7007
 * ```
 * @module
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { ConnectionLostError, defineDriver, TlsSchema, Type, type CallContext, type ConnectContext, type Static } from '@outpools/core/driver';

/** `[outgoing_pools.echo.<tag>.connection]`: keys with defaults are not `Optional`. */
export const EchoConnectionSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, default: '127.0.0.1' }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 7007 }),
    connect_timeout: Type.Integer({ minimum: 1, default: 5000 }),
    tls: Type.Optional(TlsSchema),
  },
  { additionalProperties: false },
);

/** The connection options after defaults: derived from the schema, never written twice. */
export type EchoOptions = Static<typeof EchoConnectionSchema>;

interface Pending {
  resolve(line: string): void;
  reject(error: Error): void;
}

/** One connection: a socket, a line splitter, and the requests waiting for their answer (FIFO). */
export class EchoConnection {
  readonly #socket: Socket;
  readonly #pending: Pending[] = [];
  #buffer = '';
  #closed = false;

  constructor(socket: Socket, onLost: (error: Error) => void) {
    this.#socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.#receive(chunk));
    // Every way a socket can break ends here; the pool then reconnects this worker.
    const broken = (error?: Error): void => {
      if (this.#closed) return;
      this.#closed = true;
      const lost = new ConnectionLostError(`echo connection lost${error ? `: ${error.message}` : ''}`);
      for (const p of this.#pending.splice(0)) p.reject(lost);
      onLost(lost);
    };
    socket.on('error', broken);
    socket.on('close', () => broken());
  }

  /** Send one line and resolve with the answer. */
  request(line: string, signal?: AbortSignal): Promise<string> {
    if (line.includes('\n')) return Promise.reject(new TypeError('an echo request is one line'));
    if (this.#closed) return Promise.reject(new ConnectionLostError('echo connection is closed'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      // On call_timeout the pool aborts the signal; the protocol cannot cancel a line, so the
      // connection would be out of step: destroy it (the pool reconnects the worker).
      const abort = (): void => void this.#socket.destroy();
      signal?.addEventListener('abort', abort, { once: true });
      const done = (): void => signal?.removeEventListener('abort', abort);
      this.#pending.push({
        resolve: (answer) => (done(), resolve(answer)),
        reject: (error) => (done(), reject(error)),
      });
      this.#socket.write(`${line}\n`);
    });
  }

  /** Close the socket; never throws. */
  close(): Promise<void> {
    this.#closed = true;
    if (this.#socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.#socket.once('close', () => resolve());
      this.#socket.end();
      this.#socket.destroySoon();
    });
  }

  #receive(chunk: string): void {
    this.#buffer += chunk;
    let newline: number;
    while ((newline = this.#buffer.indexOf('\n')) >= 0) {
      const line = this.#buffer.slice(0, newline);
      this.#buffer = this.#buffer.slice(newline + 1);
      this.#pending.shift()?.resolve(line);
    }
  }
}

/** Open a TCP or TLS socket; reject on error, timeout or abort. */
function openSocket(options: EchoOptions, ctx: ConnectContext): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = ctx.tls
      ? tlsConnect({ ...ctx.tls, host: options.host, port: options.port })
      : netConnect({ host: options.host, port: options.port });
    const abort = (): void => fail(new Error('connect aborted'));
    const fail = (error: Error): void => {
      ctx.signal.removeEventListener('abort', abort);
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(options.connect_timeout, () => fail(new Error(`connect timeout after ${options.connect_timeout} ms`)));
    socket.once('error', fail);
    ctx.signal.addEventListener('abort', abort, { once: true });
    socket.once(ctx.tls ? 'secureConnect' : 'connect', () => {
      try {
        if (ctx.tls) ctx.verifyTls(socket as TLSSocket); // finishes verify_mode = "selfsigned_peer"
      } catch (error) {
        fail(error as Error);
        return;
      }
      ctx.signal.removeEventListener('abort', abort);
      socket.setTimeout(0);
      socket.removeListener('error', fail);
      resolve(socket);
    });
  });
}

/** The typed API users call; every method goes through `pool.run`. */
export interface EchoClient {
  /** Send one line and get the server's answer. */
  echo(line: string): Promise<string>;
}

/**
 * The `echo` pool type.
 * @example
 * ```ts
 * const registry = new DriverRegistry([echoDriver]);
 * const pools = createPools(parseConfig(text, { registry }), { registry });
 * await pools.start();
 * await pools.get(echoDriver, 'global', 'default').echo('hello'); // 'hello'
 * ```
 */
export const echoDriver = defineDriver({
  type: 'echo',
  packageName: 'outpools-driver-echo',
  connectionSchema: EchoConnectionSchema,
  check(ctx) {
    if (ctx.connection.connect_timeout > ctx.pool.call_timeout) {
      ctx.warn('connection.connect_timeout', 'is longer than call_timeout');
    }
  },
  // One request at a time per connection: answers come back in order, one line each.
  concurrency: () => 1,
  async connect(options, ctx) {
    const socket = await openSocket(options, ctx);
    return new EchoConnection(socket, (error) => ctx.lost(error));
  },
  close: (connection) => connection.close(),
  ping: (connection, ctx: CallContext) => connection.request('PING', ctx.signal),
  client: (pool): EchoClient => ({
    echo: (line) => pool.run((connection, ctx) => connection.request(line, ctx.signal)),
  }),
});
