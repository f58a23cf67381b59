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
import {
  ConnectionLostError,
  defineDriver,
  OutpoolsError,
  TlsSchema,
  Type,
  type CallContext,
  type ConnectContext,
  type Static,
} from '@outpools/core/driver';

/** `[outgoing_pools.echo.<tag>.connection]`: keys with defaults are not `Optional`. */
export const EchoConnectionSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, default: '127.0.0.1' }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 7007 }),
    reply_timeout: Type.Integer({ minimum: 1, default: 5000 }),
    tls: Type.Optional(TlsSchema),
  },
  { additionalProperties: false },
);

/** The connection options after defaults: derived from the schema, never written twice. */
export type EchoOptions = Static<typeof EchoConnectionSchema>;

/** An answer did not come within `reply_timeout`: a driver's own coded error. */
export class EchoReplyTimeoutError extends OutpoolsError {
  constructor(ms: number) {
    super('OUTPOOLS_ECHO_REPLY_TIMEOUT', `no echo reply within ${ms} ms`);
  }
}

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

  /**
   * Send one line and resolve with the answer, within `replyTimeoutMs`. The protocol cannot
   * cancel a line: on an abort (call_timeout, the caller's signal) or a reply timeout the
   * connection would be out of step, so it is destroyed (the pool reconnects the worker).
   */
  request(line: string, ctx: CallContext, replyTimeoutMs: number): Promise<string> {
    if (line.includes('\n')) return Promise.reject(new TypeError('an echo request is one line'));
    if (this.#closed) return Promise.reject(new ConnectionLostError('echo connection is closed'));
    return new Promise((resolve, reject) => {
      const pending: Pending = { resolve, reject };
      this.#pending.push(pending);
      ctx.onAbort(() => void this.#socket.destroy());
      // A sub-deadline on the pool's deadline list: no timer of our own.
      ctx.armTimeout(replyTimeoutMs, () => {
        pending.reject(new EchoReplyTimeoutError(replyTimeoutMs));
        this.#socket.destroy();
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

/** Open a TCP or TLS socket; reject on error or abort (the pool aborts `ctx.signal` at its connect bound). */
function openSocket(options: EchoOptions, ctx: ConnectContext): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = ctx.tls
      ? tlsConnect({ ...ctx.tls, host: options.host, port: options.port })
      : netConnect({ host: options.host, port: options.port });
    const abort = (): void => fail(ctx.signal.reason as Error);
    const fail = (error: Error): void => {
      ctx.signal.removeEventListener('abort', abort);
      socket.destroy();
      reject(error);
    };
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
    if (ctx.connection.reply_timeout > ctx.pool.call_timeout) {
      ctx.warn('connection.reply_timeout', 'is longer than call_timeout: the call times out first');
    }
  },
  // One request at a time per connection: answers come back in order, one line each.
  concurrency: () => 1,
  async connect(options, ctx) {
    const socket = await openSocket(options, ctx);
    return new EchoConnection(socket, (error) => ctx.lost(error));
  },
  close: (connection) => connection.close(),
  ping: (connection, ctx) => connection.request('PING', ctx, 1000),
  client: (pool, options): EchoClient => ({
    echo: (line) => pool.run((connection, ctx) => connection.request(line, ctx, options.reply_timeout)),
  }),
});
