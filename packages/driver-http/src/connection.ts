/**
 * One worker's connection: an undici `Client` (one socket, `pipelining: 1`) to the origin, whose
 * sockets all come from {@link openSocket} (TLS verified before undici writes a byte).
 * @module
 */
import type { Socket } from 'node:net';
import type { buildConnector, Client, Dispatcher } from 'undici';
import type { PoolKey } from '@outpools/core/driver';
import { Call, type CallOwner, type RequestCall } from './call.js';
import type { UndiciModule } from './load.js';
import { openSocket, type SocketTarget } from './socket.js';
import type { BodyAs, HttpResponse } from './response.js';

/** The least time between two probes started because a spare socket was closed by the server. */
const PROBE_INTERVAL_MS = 1000;

/** The headers of a request: one value or several per name. */
export type HttpRequestHeaders = Record<string, string | readonly string[]>;

/** What one request sends (the path is already joined with `path_prefix`). */
export interface WireRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: HttpRequestHeaders | undefined;
  readonly body?: string | Uint8Array | undefined;
  readonly as?: BodyAs | undefined;
  /**
   * Keep the socket after the response even for `HEAD` (undici closes it after every `HEAD` by
   * default, for servers that wrongly send a body). Set for the health request: a ping every
   * keepalive interval, and the core's liveness probes, would otherwise cost a new connect (a TLS
   * handshake) each, and the call after a ping would wait for it.
   */
  readonly keepSocket?: boolean | undefined;
}

/** Everything a connection needs, computed once per worker. */
export interface ConnectionSettings {
  readonly key: PoolKey | undefined;
  /** `http[s]://name[:port]` as undici wants it. */
  readonly origin: string;
  /** `path_prefix`, used by the health request. */
  readonly prefix: string;
  readonly target: SocketTarget;
  /** `request_timeout`, ms: the sub-deadline of each request's call. */
  readonly requestTimeoutMs: number;
  /** Tell the pool the connection is gone (`ctx.lost`). */
  readonly lost: (error: unknown) => void;
}

/**
 * A worker's HTTP connection.
 *
 * Broken connections: undici emits `disconnect` when its socket closes. A request running at
 * that moment fails on its own (see {@link Call}). Unless undici closed an idle socket itself,
 * the connection then opens a fresh socket right away (a probe): if the server accepts it, the
 * worker stays live and undici gets that socket for its next request; if not, the pool is told
 * (`lost`) and the worker reconnects with backoff. So a server that closes idle keep-alive
 * sockets costs no reconnect, and a server that went down takes its workers out of the pool.
 *
 * Timers: none of its own. `request_timeout` is each call's sub-deadline (`ctx.armTimeout`, on
 * the pool's one deadline service; undici's header and body timeouts are off). A later socket's
 * connect is given up when a request waiting for it times out, or when the connection closes.
 */
export class HttpConnection implements CallOwner {
  readonly #client: Client;
  readonly #settings: ConnectionSettings;
  #stash: Socket | undefined;
  #probe: Promise<Socket> | undefined = undefined;
  #closed = false;
  #current: Call | undefined = undefined;
  /** Aborts the connect of a later socket (a probe, or undici's connect) while it runs. */
  #connecting: AbortController | undefined = undefined;
  #probeTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  #probedAt = -Infinity;

  /**
   * Open the first socket (rejects when the server cannot be reached; `signal`, the core's
   * connect bound, gives up), then wrap it in an undici `Client` of `undici`.
   */
  static async open(undici: UndiciModule, settings: ConnectionSettings, signal?: AbortSignal): Promise<HttpConnection> {
    const socket = await openSocket(settings.target, signal);
    return new HttpConnection(undici, settings, socket);
  }

  private constructor(undici: UndiciModule, settings: ConnectionSettings, first: Socket) {
    this.#settings = settings;
    this.#client = new undici.Client(settings.origin, {
      connect: this.#connector,
      pipelining: 1,
      // request_timeout is the call's sub-deadline: no second timer per request inside undici
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    this.#client.on('disconnect', this.#onDisconnect);
    this.#client.on('connectionError', this.#onConnectionError);
    this.#keep(first);
  }

  /** `path_prefix` of the pool. */
  get prefix(): string {
    return this.#settings.prefix;
  }

  /** The connection was closed (by the pool). */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Send one request and read the whole response. `call` (the pool's call context) bounds it by
   * `request_timeout` and aborts it; without one it is not bounded.
   */
  request(request: WireRequest, call?: RequestCall): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => {
      const running = new Call(
        this.#settings.requestTimeoutMs,
        request.as ?? 'auto',
        this.#settings.key,
        resolve,
        reject,
        this,
        call,
      );
      if (running.settled) return; // aborted already
      this.#current = running;
      const options: Dispatcher.DispatchOptions = {
        method: request.method as Dispatcher.HttpMethod,
        path: request.path,
        headers: request.headers as Dispatcher.DispatchOptions['headers'],
        body: request.body ?? null,
        ...(request.keepSocket === true && { reset: false }),
      };
      this.#client.dispatch(options, running as unknown as Dispatcher.DispatchHandler);
    });
  }

  /** Close for good: destroy the client and any spare socket. Never throws. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#connecting?.abort(new Error('connection closed'));
    this.#connecting = undefined;
    if (this.#probeTimer) clearTimeout(this.#probeTimer);
    this.#probeTimer = undefined;
    this.#drop();
    this.#probe = undefined;
    this.#current?.cancel(new Error('connection closed'));
    try {
      await this.#client.destroy();
    } catch {
      // already destroyed
    }
  }

  /** See {@link CallOwner.done}. */
  done(call: Call): void {
    if (this.#current === call) this.#current = undefined;
  }

  /**
   * See {@link CallOwner.stalled}: the request waited for a socket longer than `request_timeout`
   * (the server accepts nothing); give up on that connect: undici then reports a connection
   * error and the pool is told.
   */
  stalled(): void {
    this.#connecting?.abort(
      new Error(`connect to the server took longer than request_timeout (${this.#settings.requestTimeoutMs} ms)`),
    );
  }

  /** Open a later socket; {@link HttpConnection.stalled} or `close()` gives up on it. */
  #openLater(): Promise<Socket> {
    const connecting = new AbortController();
    this.#connecting = connecting;
    const opening = openSocket(this.#settings.target, connecting.signal);
    const clear = (): void => {
      if (this.#connecting === connecting) this.#connecting = undefined;
    };
    opening.then(clear, clear);
    return opening;
  }

  /** undici's `connect` option: hand over the spare socket, else open a new one. */
  readonly #connector: buildConnector.connector = (_options, callback) => {
    const spare = this.#take();
    if (spare) {
      // Never call back synchronously: undici ignores a resume from inside its own resume loop.
      queueMicrotask(() => callback(null, spare));
      return;
    }
    const pending = this.#probe ?? this.#openLater();
    this.#probe = undefined;
    pending.then(
      (socket) => {
        if (this.#closed) {
          socket.destroy();
          callback(new Error('connection closed'), null);
        } else {
          callback(null, socket);
        }
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), null),
    );
  };

  readonly #onDisconnect = (_origin: unknown, _targets: unknown, error: Error): void => {
    if (this.#closed) return;
    const code = (error as { code?: unknown }).code;
    if (code === 'UND_ERR_INFO' && error.message.includes('idle timeout')) return; // undici's own keep-alive close
    this.#startProbe();
  };

  /**
   * Open a spare socket now: on success keep it for undici, on failure tell the pool. A spare
   * that the server closes before use starts another probe, at most one per second.
   */
  #startProbe(): void {
    if (this.#closed || this.#stash || this.#probe) return;
    if (this.#probeTimer) clearTimeout(this.#probeTimer);
    this.#probeTimer = undefined;
    this.#probedAt = performance.now();
    const probe = this.#openLater();
    this.#probe = probe;
    probe.then(
      (socket) => {
        if (this.#closed) {
          socket.destroy();
          return;
        }
        if (this.#probe !== probe) return; // undici took it
        this.#probe = undefined;
        this.#keep(socket);
      },
      (failure: unknown) => {
        if (this.#probe === probe) this.#probe = undefined;
        this.#lostLater(failure);
      },
    );
  }

  #probeSoon(): void {
    if (this.#closed || this.#probeTimer) return;
    const wait = PROBE_INTERVAL_MS - (performance.now() - this.#probedAt);
    if (wait <= 0) {
      this.#startProbe();
      return;
    }
    this.#probeTimer = setTimeout(() => {
      this.#probeTimer = undefined;
      this.#startProbe();
    }, wait);
    this.#probeTimer.unref();
  }

  readonly #onConnectionError = (_origin: unknown, _targets: unknown, error: Error): void => {
    this.#lostLater(error);
  };

  /** Report the loss after the failing request (if any) has settled, so the pool sees its error first. */
  #lostLater(error: unknown): void {
    if (this.#closed) return;
    setImmediate(() => {
      if (!this.#closed) this.#settings.lost(error);
    });
  }

  /**
   * Keep a connected socket for undici's next connect. While kept it flows (nothing is expected
   * from the server before a request), so a server that closes it is noticed and it is dropped.
   */
  #keep(socket: Socket): void {
    this.#drop();
    this.#stash = socket;
    socket.on('end', this.#onStashEnd);
    socket.on('close', this.#onStashClose);
    socket.resume();
    socket.unref();
  }

  readonly #onStashEnd = (): void => {
    this.#stash?.destroy();
  };

  readonly #onStashClose = (): void => {
    this.#drop();
    this.#probeSoon(); // closed by the server: is it still there?
  };

  #drop(): void {
    const socket = this.#release();
    socket?.destroy();
  }

  #release(): Socket | undefined {
    const socket = this.#stash;
    this.#stash = undefined;
    if (socket === undefined) return undefined;
    socket.off('end', this.#onStashEnd);
    socket.off('close', this.#onStashClose);
    socket.pause();
    socket.ref();
    return socket;
  }

  #take(): Socket | undefined {
    const socket = this.#release();
    if (socket === undefined) return undefined;
    if (socket.destroyed || socket.readyState !== 'open' || socket.readableEnded) {
      socket.destroy();
      return undefined;
    }
    return socket;
  }
}
