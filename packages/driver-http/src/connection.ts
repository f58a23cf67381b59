/**
 * One worker's connection: an undici `Client` (one socket, `pipelining: 1`) to the origin, whose
 * sockets all come from {@link openSocket} (TLS verified before undici writes a byte).
 * @module
 */
import type { Socket } from 'node:net';
import { Client, type buildConnector, type Dispatcher } from 'undici';
import type { PoolKey } from '@outpools/core/driver';
import { Call, type Cancellation } from './call.js';
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
}

/** Everything a connection needs, computed once per worker. */
export interface ConnectionSettings {
  readonly key: PoolKey | undefined;
  /** `http[s]://name[:port]` as undici wants it. */
  readonly origin: string;
  /** `path_prefix`, used by the health request. */
  readonly prefix: string;
  readonly target: SocketTarget;
  /** `request_timeout`, ms. */
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
 */
export class HttpConnection {
  readonly #client: Client;
  readonly #settings: ConnectionSettings;
  #stash: Socket | undefined;
  #probe: Promise<Socket> | undefined = undefined;
  #closed = false;
  #current: Call | undefined = undefined;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #timerMs = 0;
  #probeTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  #probedAt = -Infinity;

  /** Open the first socket (rejects when the server cannot be reached), then wrap it. */
  static async open(settings: ConnectionSettings, signal?: AbortSignal): Promise<HttpConnection> {
    const socket = await openSocket(settings.target, signal);
    return new HttpConnection(settings, socket);
  }

  private constructor(settings: ConnectionSettings, first: Socket) {
    this.#settings = settings;
    this.#client = new Client(settings.origin, {
      connect: this.#connector,
      pipelining: 1,
      headersTimeout: settings.requestTimeoutMs,
      bodyTimeout: settings.requestTimeoutMs,
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
   * Send one request and read the whole response, bounded by `request_timeout`. `cancellation`
   * (the call's context, or `{ signal }`) aborts it.
   */
  request(request: WireRequest, cancellation?: Cancellation): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => {
      const call = new Call(this.#settings.requestTimeoutMs, request.as ?? 'auto', this.#settings.key, resolve, reject, this.#done, cancellation);
      if (call.settled) return; // aborted already
      this.#arm(call);
      const options: Dispatcher.DispatchOptions = {
        method: request.method as Dispatcher.HttpMethod,
        path: request.path,
        headers: request.headers as Dispatcher.DispatchOptions['headers'],
        body: request.body ?? null,
      };
      this.#client.dispatch(options, call as unknown as Dispatcher.DispatchHandler);
    });
  }

  /** Close for good: destroy the client and any spare socket. Never throws. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
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

  readonly #done = (call: Call): void => {
    if (this.#current === call) this.#current = undefined;
    if (call.timer !== undefined) clearTimeout(call.timer);
  };

  /** One timer per connection, refreshed per request: requests run one at a time here. */
  #arm(call: Call): void {
    if (this.#current !== undefined && !this.#current.settled) {
      // Not expected (the pool runs one request per worker): give this one its own timer.
      call.timer = setTimeout(() => call.timeout(), call.timeoutMs);
      call.timer.unref();
      return;
    }
    this.#current = call;
    if (this.#timer === undefined || this.#timerMs !== call.timeoutMs) this.#startTimer(call.timeoutMs);
    else this.#timer.refresh();
  }

  #startTimer(ms: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerMs = ms;
    this.#timer = setTimeout(this.#onTimer, ms);
    this.#timer.unref();
  }

  readonly #onTimer = (): void => {
    const call = this.#current;
    if (call === undefined || call.settled) return;
    const left = call.deadline - performance.now();
    if (left > 1) {
      this.#startTimer(left);
      return;
    }
    call.timeout();
  };

  /** undici's `connect` option: hand over the spare socket, else open a new one. */
  readonly #connector: buildConnector.connector = (_options, callback) => {
    const spare = this.#take();
    if (spare) {
      // Never call back synchronously: undici ignores a resume from inside its own resume loop.
      queueMicrotask(() => callback(null, spare));
      return;
    }
    const pending = this.#probe ?? openSocket(this.#settings.target);
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
    const probe = openSocket(this.#settings.target);
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
