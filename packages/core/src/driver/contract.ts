/**
 * The pool-type contract. A driver package exports one {@link PoolDriver} object built with
 * {@link defineDriver}; the core owns every mechanism around it (mailboxes, strategies, timeouts,
 * reconnects with backoff, keepalive scheduling, stats, events, stopping). A driver only adapts
 * its client library: connect, close, ping, and the typed calls its users make.
 *
 * The core never imports a driver or a client library; drivers never import each other.
 * @module
 */
import type { ConnectionOptions as NodeTlsConnectionOptions, TLSSocket } from 'node:tls';
import type { Static, TObject } from 'typebox';
import type { PoolKey } from '../errors.js';
import type { PoolOptions, Strategy } from '../config/pool-schema.js';
import type { RoutingStrategy, WorkerView } from '../strategies/types.js';

export type { RoutingStrategy, WorkerView };

/** Per-type defaults of the pool-level options (cassandra 20 workers, rdbms 60000 ms: docs/configuration.md). */
export interface PoolDefaults {
  readonly workers?: number;
  readonly call_timeout?: number;
}

/**
 * What a driver's {@link PoolDriver.check} sees: one pool's options after defaults, and sinks
 * for cross-field errors and warnings. Paths are relative to the pool section
 * `outgoing_pools.<type>.<tag>`, dotted, e.g. `"connection.tls.required"` or `"strategy"`.
 */
export interface DriverCheckContext<C> {
  readonly tag: string;
  readonly pool: PoolOptions;
  readonly connection: C;
  error(path: string, message: string): void;
  warn(path: string, message: string): void;
}

/**
 * How a broken or never-connected worker retries (see docs/lifecycle.md). `firstRetries`: a
 * worker's first `attempts` retries in a row each wait `delayMs`; later ones follow the policy.
 */
export type ReconnectPolicy = (
  | { readonly kind: 'exponential'; readonly baseMs: number; readonly capMs: number }
  | { readonly kind: 'fixed'; readonly intervalMs: number }
) & { readonly firstRetries?: FirstRetries };

/** A run of retries at a fixed delay before a {@link ReconnectPolicy}'s own (rabbit's `reconnect`). */
export interface FirstRetries {
  readonly attempts: number;
  readonly delayMs: number;
}

/** The default reconnect policy: base 1 s, doubling, capped at 30 s, full jitter. */
export const DEFAULT_RECONNECT: ReconnectPolicy = { kind: 'exponential', baseMs: 1000, capMs: 30_000 };

/**
 * When the core suspects a connection that looks alive but answers nothing (a half-open TCP
 * connection: the peer vanished without a FIN or RST), and how it checks (docs/lifecycle.md,
 * "Dead connections"). A worker becomes suspect when a call running on it is abandoned at
 * `call_timeout`, when `suspectAfterTimeouts` calls routed to it time out (waiting in its
 * mailbox, or failing with a driver's `*_TIMEOUT` error) before a probe clears it, or when its
 * oldest running call has run for a whole keepalive interval. The core then probes it with the
 * driver's `ping`, bounded by `probeTimeoutMs`; a probe that fails or gets no answer declares
 * the connection lost (closed, reconnected with backoff).
 */
export interface LivenessPolicy {
  /** Bound of a probe ping, from the moment the worker became suspect. */
  readonly probeTimeoutMs: number;
  /** Timed-out calls (other than an abandoned running call, which counts at once) that make a worker suspect. */
  readonly suspectAfterTimeouts: number;
}

/** The default liveness policy: a probe gets 1 s; three timed-out calls make a worker suspect. */
export const DEFAULT_LIVENESS: LivenessPolicy = { probeTimeoutMs: 1000, suspectAfterTimeouts: 3 };

/** What the core hands to {@link PoolDriver.connect}. */
export interface ConnectContext {
  /** The pool instance this worker belongs to. */
  readonly key: PoolKey;
  /** The worker's index in its pool, from 0. */
  readonly workerIndex: number;
  /** Aborted when the attempt must give up (its connect deadline passed, or the pool is stopping). */
  readonly signal: AbortSignal;
  /**
   * Milliseconds left before {@link ConnectContext.signal} aborts for the connect deadline. A
   * driver that tries several servers in one attempt gives each its share of it, so that a server
   * that never answers cannot use up the whole attempt:
   * ```ts
   * const share = AbortSignal.any([ctx.signal, AbortSignal.timeout(ctx.timeLeftMs() / serversLeft)]);
   * ```
   */
  timeLeftMs(): number;
  /**
   * `connection.tls` already mapped to `node:tls` options (docs/configuration.md, TLS), including the
   * `selfsigned_peer` check in `checkServerIdentity`; `undefined` when there is no TLS section.
   * `host`/`port` are not set: the driver passes its own.
   */
  readonly tls: NodeTlsConnectionOptions | undefined;
  /**
   * Finish peer verification on an established TLS socket; throws when the peer must be refused.
   * Node cannot express `verify_mode = "selfsigned_peer"` in options alone (with
   * `rejectUnauthorized: false` it skips the host name and validity checks), so `ctx.tls` then has
   * `rejectUnauthorized: false` and the driver MUST call this as soon as it can reach the socket,
   * before any secret is sent when the library allows it. A no-op for the other modes.
   */
  verifyTls(socket: TLSSocket): void;
  /**
   * The TLS options and peer check for another host than the driver's {@link PoolDriver.tlsHost}
   * (a multi-server driver dialling its second server); `undefined` when there is no TLS section.
   */
  tlsFor(host: string): TlsForHost | undefined;
  /**
   * Tell the pool that this connection broke (error event, socket close, ...). Safe to call more
   * than once and after close. The pool marks the worker not live at once, fails the requests
   * running on it with `ConnectionLostError`, requeues its mailbox, closes the connection and
   * reconnects with backoff.
   */
  lost(error?: unknown): void;
  /**
   * The server asked this connection to hold back (RabbitMQ's `connection.blocked`): the worker
   * stays live, but strategies pass over it while another worker can take the call, and the pool
   * publishes a `blocked` event. Safe to call more than once.
   */
  blocked(reason?: string): void;
  /** The server lifted {@link ConnectContext.blocked}: the worker is picked again (`unblocked` event). */
  unblocked(): void;
}

/** Node TLS options and the peer check for one host (see {@link ConnectContext.tlsFor}). */
export interface TlsForHost {
  readonly options: NodeTlsConnectionOptions;
  verify(socket: TLSSocket): void;
}

/** What the core hands to each call and to {@link PoolDriver.ping}. */
export interface CallContext {
  readonly key: PoolKey;
  /** Aborted when the call times out (`call_timeout`) or the caller's own signal aborts. */
  readonly signal: AbortSignal;
  /**
   * The same abort as {@link CallContext.signal}, as one plain callback: called once with the
   * reason, at once if the call was already aborted; a later registration replaces an earlier one.
   * Costs no `AbortController`/`EventTarget` per call (use it on hot paths).
   */
  onAbort(listener: (reason: unknown) => void): void;
  /**
   * A sub-deadline of this call (a `query_timeout`, a `request_timeout`): `onTimeout` runs once
   * after `ms` unless {@link CallContext.disarmTimeout} or the end of the call's function comes
   * first. One per call (arming again replaces it). It rides the pool's deadline list: no timer
   * per call. `onTimeout` typically rejects the driver's own promise with a coded error and, when
   * the connection can no longer be trusted, reports it lost.
   */
  armTimeout(ms: number, onTimeout: () => void): void;
  /** Cancel the sub-deadline armed by {@link CallContext.armTimeout} (a no-op when none is). */
  disarmTimeout(): void;
}

/**
 * The context of a call made with {@link PoolHandle.runCallback}: the call ends when the driver
 * calls `done` or `fail`, once. The first of the two counts, later ones are ignored. The worker
 * stays busy until one of them is called, even after the caller got `CallTimeoutError`: call
 * `fail` when the connection gives up on the work (an `onAbort` that cancels it, a closed socket).
 * Either may be called before the function returns. They finish the call before they return, so
 * the worker may start its next queued call on the same connection from inside the library's
 * callback that called them.
 */
export interface CompletionContext<R = unknown> extends CallContext {
  /** The work succeeded: the caller gets `value`. */
  done(value: R): void;
  /** The work failed: the caller gets `error`, mapped by `RunOptions.mapError` when given; a `ConnectionLostError` breaks the worker. */
  fail(error: unknown): void;
}

/**
 * A custom worker picker: returns one of the given workers, or `undefined` when none fits
 * (the call then fails with `NoWorkersError`).
 */
export type Picker = (workers: readonly WorkerView[]) => WorkerView | undefined;

/** Per-call options of {@link PoolHandle.run}. */
export interface RunOptions {
  /** Route by key (hash_worker): the same key goes to the same worker while the count is unchanged. */
  readonly hashKey?: string | number;
  /** A custom picker (a function, or a {@link RoutingStrategy} object) instead of the pool's strategy. */
  readonly pick?: Picker | RoutingStrategy;
  /** The caller's own cancellation; the call rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * When the call fails with `ConnectionLostError` before any of it reached the server, run it
   * once more on a live worker (after a reconnect when needed). Drivers set this for idempotent
   * requests (ldap, idempotent HTTP methods).
   */
  readonly retryOnLost?: boolean;
  /**
   * Own the worker's connection while `fn` runs, on a driver whose connections run many calls at
   * once (`concurrency` > 1): the call waits for the calls already running on its worker, nothing
   * else starts there until `fn` settles, and meanwhile strategies count the worker as full
   * (calls routed to it anyway wait behind). For a transaction on a pipelined connection. No
   * effect at concurrency 1.
   */
  readonly exclusive?: boolean;
  /**
   * Translate a rejection (or throw) of `fn` before the pool sees it, e.g. a client library's
   * "connection is gone" error into {@link ConnectionLostError} (which then breaks the worker).
   * Drivers pass it in options built once, instead of a `.catch` per call.
   */
  readonly mapError?: (error: unknown) => unknown;
}

/**
 * The handle a driver's {@link PoolDriver.client} receives: the only way a driver runs work.
 * `run()` routes to a worker by the pool's strategy, bounds the whole call by `call_timeout`,
 * and passes the worker's connection to `fn`.
 */
export interface PoolHandle<TConnection> {
  readonly key: PoolKey;
  run<R>(fn: (connection: TConnection, ctx: CallContext) => Promise<R> | R, options?: RunOptions): Promise<R>;
  /**
   * `run()` for a client library with a callback API: `fn` starts the work and returns; the call
   * ends when `fn` calls `ctx.done(value)` or `ctx.fail(error)` (a throw fails it too). Same
   * routing, `call_timeout`, options and errors as `run()`, one promise per call fewer (no
   * promise of the driver's for the pool to wait on). See {@link CompletionContext}.
   *
   * @example
   * ```ts
   * // a connection with a Node-style callback API: conn.get(key, (error, value) => ...)
   * const get = (key: string) =>
   *   pool.runCallback<string>((conn, ctx) => conn.get(key, (error, value) => (error ? ctx.fail(error) : ctx.done(value))));
   * ```
   */
  runCallback<R>(fn: (connection: TConnection, ctx: CompletionContext<R>) => void, options?: RunOptions): Promise<R>;
}

/**
 * A pool type. `TOptions` is `Static<typeof connectionSchema>`: the `[connection]` section after
 * defaults. `TConnection` is what `connect` returns; `TClient` is the typed API users call.
 */
export interface PoolDriver<TOptions = Record<string, unknown>, TConnection = unknown, TClient = unknown> {
  /** The pool type: one lowercase word, the TOML key (`redis`). */
  readonly type: string;
  /** The npm package that provides it, used in messages (`@outpools/driver-redis`). */
  readonly packageName?: string;
  /**
   * Schema of `[outgoing_pools.<type>.<tag>.connection]`, `additionalProperties: false`, keys with
   * defaults written without `Optional`. A `tls` key (usually `Type.Optional(TlsSchema)`) enables
   * the TLS section; the core validates its files and maps it.
   */
  readonly connectionSchema: TObject;
  /** Per-type defaults of `workers` and `call_timeout`. */
  readonly defaults?: PoolDefaults;
  /** Return why a strategy is refused (a config error at `strategy`), or `undefined`. */
  refuseStrategy?(strategy: Strategy): string | undefined;
  /**
   * Fill in defaults that depend on other keys (ldap: port 636 when a `tls` section is present).
   * Runs after schema defaults and validation, before `check`; returns the completed options.
   */
  resolve?(options: TOptions): TOptions;
  /** Cross-field rules; report with `ctx.error` / `ctx.warn`. */
  check?(ctx: DriverCheckContext<TOptions>): void;
  /** How many requests one connection may run at once (1 for one-at-a-time protocols). Default 1. */
  concurrency?(options: TOptions): number;
  /** Mailbox limit: above it the oldest queued requests are dropped (`RequestDroppedError`). */
  maxQueue?(options: TOptions): number | undefined;
  /** Reconnect policy. Default {@link DEFAULT_RECONNECT}. */
  reconnect?(options: TOptions): ReconnectPolicy;
  /**
   * The host name TLS connections verify and send as SNI. Default: `options.host` when it is a
   * string, else `"localhost"`. A driver whose `host` is a URL, or that has a list of servers,
   * says which name it dials.
   */
  tlsHost?(options: TOptions): string;
  /**
   * Override parts of {@link DEFAULT_LIVENESS} for this type (a slow `ping` wants a longer probe
   * bound). The probe is the driver's `ping`: it must reject or hang (never resolve) when the
   * connection does not answer, and should be sent at once even while other calls are running
   * when the protocol allows it (the core runs it beside them when `concurrency` leaves room).
   */
  liveness?(options: TOptions): Partial<LivenessPolicy>;
  /**
   * Keepalive interval in ms: the core runs `ping` on idle live workers that often, and probes a
   * busy worker whose oldest running call has run that long.
   */
  keepaliveMs?(options: TOptions): number | undefined;
  /** Open one connection. Reject on failure (the core retries with backoff). */
  connect(options: TOptions, ctx: ConnectContext): Promise<TConnection>;
  /** Close one connection. Must not throw for an already broken connection. */
  close(connection: TConnection): Promise<void>;
  /** The type's cheapest round trip (`SELECT 1`, `PING`, ...). Rejects when the connection is not usable. */
  ping(connection: TConnection, ctx: CallContext): Promise<unknown>;
  /** Build the typed API users call, on top of `pool.run()`. */
  client(pool: PoolHandle<TConnection>, options: TOptions): TClient;
}

/** The typed client of a driver. */
export type ClientOf<D> = D extends PoolDriver<infer _O, infer _C, infer T> ? T : never;
/** The connection options of a driver. */
export type OptionsOf<D> = D extends PoolDriver<infer O, infer _C, infer _T> ? O : never;

/**
 * Declare a pool type; infers the options type from the connection schema.
 *
 * @example
 * ```ts
 * import { defineDriver, Type } from '@outpools/core/driver';
 *
 * export const echoDriver = defineDriver({
 *   type: 'echo',
 *   connectionSchema: Type.Object({ prefix: Type.String({ default: '' }) }, { additionalProperties: false }),
 *   async connect(options) { return { prefix: options.prefix }; },
 *   async close() {},
 *   async ping() { return true; },
 *   client: (pool) => ({ echo: (s: string) => pool.run((c) => c.prefix + s) }),
 * });
 * ```
 */
export function defineDriver<S extends TObject, TConnection, TClient>(
  driver: DriverDefinition<S, TConnection, TClient>,
): DriverDefinition<S, TConnection, TClient> {
  return Object.freeze(driver);
}

/**
 * A {@link PoolDriver} whose `connectionSchema` keeps its precise type `S`. (`Omit` first: the
 * intersection `TObject & S` would turn the schema's `required` tuple into `never`.)
 */
export type DriverDefinition<S extends TObject, TConnection, TClient> = Omit<
  PoolDriver<Static<S>, TConnection, TClient>,
  'connectionSchema'
> & { readonly connectionSchema: S };
