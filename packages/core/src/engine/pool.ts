/**
 * One pool instance: its workers, its strategy, the pool-wide queue, the deadline service,
 * stats and events. Users and drivers see `run()` (the {@link PoolHandle} a driver's client is
 * built on), `stats()` and `health()`; workers see it only through a {@link WorkerHost}.
 * @module
 */
import type { CallContext, CompletionContext, PoolHandle, RunOptions } from '../driver/contract.js';
import { DEFAULT_LIVENESS, DEFAULT_RECONNECT } from '../driver/contract.js';
import type { PoolInstanceSpec } from '../config/types.js';
import {
  CallTimeoutError,
  NoAvailableWorkersError,
  NoWorkersError,
  PoolNotStartedError,
  PoolStoppedError,
  type PoolKey,
} from '../errors.js';
import { STRATEGY_FACTORIES, hashIndex, type StrategyName } from '../strategies/index.js';
import type { RandomSource, RoutingStrategy } from '../strategies/types.js';
import type { PoolTls } from '../tls/pool-tls.js';
import type { TlsPeerError } from '../tls/verify.js';
import { Mailbox } from './mailbox.js';
import { Request, RequestState, SubTimeout, type CallFn, type RequestScope } from './request.js';
import { CoarseClock, Deadlines, monotonicNow, type Clock, type DeadlineLane } from './deadlines.js';
import { Worker } from './worker.js';
import type { EngineDriver, WorkerHost, WorkerSettings } from './worker-host.js';
import { Counters, LatencyRecorder, type PoolStats } from './stats.js';
import { errorMessage, type CallStage, type PoolEvents } from './events.js';

/** What a pool instance needs. @internal */
export interface PoolInit {
  readonly spec: PoolInstanceSpec;
  readonly driver: EngineDriver;
  readonly events: PoolEvents;
  readonly random?: RandomSource | undefined;
  readonly now?: Clock | undefined;
  /** Bound of each connect attempt, and so of `start()`; default `call_timeout`. */
  readonly startTimeoutMs?: number | undefined;
  readonly tls?: PoolTls | undefined;
}

/** The result of one instance's first connection round. */
export interface InstanceReport {
  readonly key: PoolKey;
  /** Live workers after the first round. */
  readonly live: number;
  /** Configured workers. */
  readonly workers: number;
  /** Why no worker is live (the last connect error), when none is. */
  readonly error?: string;
}

/** The result of one instance's health check (a ping on every live worker). */
export interface HealthReport {
  readonly key: PoolKey;
  /** At least one worker is live and every live worker answered. */
  readonly ok: boolean;
  /** Time until every ping answered, in milliseconds. */
  readonly ms: number;
  readonly error?: string;
}

function ignoreLoad(): void {}

/** The request whose promise is being built: lets one shared executor take its resolve/reject (no closure per call). */
let capturing: Request | undefined;

function captureSettlers(resolve: (value: never) => void, reject: (error: unknown) => void): void {
  const req = capturing!;
  capturing = undefined;
  req.resolve = resolve as (value: unknown) => void;
  req.reject = reject;
}

/**
 * One pool instance `(type, host, tag)`: `workers` connections, each with a FIFO mailbox,
 * behind the configured strategy. Every call is bounded by `call_timeout`.
 *
 * @example
 * ```ts
 * const pool = pools.pool('redis', 'global', 'default');
 * const pong = await pool.run((conn, ctx) => conn.ping({ signal: ctx.signal }));
 * console.log(pool.stats().latency.p99Ms);
 * ```
 */
export class Pool<TConnection = unknown> implements PoolHandle<TConnection> {
  /** This instance's key. */
  readonly key: PoolKey;
  readonly #settings: WorkerSettings;
  readonly #callTimeoutMs: number;
  readonly #strategy: RoutingStrategy;
  readonly #events: PoolEvents;
  readonly #now: Clock;
  readonly #clock: CoarseClock;
  readonly #workers: Worker[];
  /** Pool-wide FIFO: calls waiting for a worker with room, or for any worker to come back. */
  readonly #queue = new Mailbox<Request>();
  readonly #deadlines: Deadlines;
  readonly #calls: DeadlineLane<Request>;
  readonly #scope: RequestScope;
  readonly #counters = new Counters();
  readonly #latency = new LatencyRecorder();
  #connected = 0;
  #blocked = 0;
  #stopping = false;
  /** Unsettled user calls (internal pings excluded): what stop() drains. */
  #pendingCalls = 0;
  #drained: (() => void) | undefined = undefined;
  #stopped: Promise<void> | undefined = undefined;
  #started: Promise<void> | undefined = undefined;

  /**
   * The pool's side of the worker seam (and the scope its requests share): methods on a
   * prototype, so a pool costs one small object here, not a closure per callback.
   */
  static readonly #Host = class PoolWorkerHost implements WorkerHost, RequestScope {
    /** The strategy's hook, bound once (called on every finished call). */
    readonly loadDropped: (load: number) => void;

    constructor(
      readonly pool: Pool,
      readonly settings: WorkerSettings,
      readonly timeouts: DeadlineLane<SubTimeout>,
    ) {
      const strategy = pool.#strategy;
      this.loadDropped = strategy.loadDropped ? strategy.loadDropped.bind(strategy) : ignoreLoad;
    }

    get key(): PoolKey {
      return this.settings.key;
    }

    now(): number {
      return this.pool.#clock.now();
    }

    preciseNow(): number {
      return this.pool.#now();
    }

    get stopping(): boolean {
      return this.pool.#stopping;
    }

    get queued(): number {
      return this.pool.#queue.length;
    }

    takeQueued(): Request | undefined {
      return this.pool.#queue.shift();
    }

    settle(req: Request, failed: boolean, result: unknown): void {
      this.pool.#settle(req, failed, result);
    }

    reroute(req: Request): void {
      if (!req.settled) this.pool.#route(req, true);
    }

    internalRequest(fn: (connection: unknown, ctx: Request) => unknown, timeoutMs?: number): Request {
      return this.pool.#internalRequest(fn, timeoutMs);
    }

    dropped(req: Request, worker: number, limit: number): void {
      const pool = this.pool;
      if (!req.internal) pool.#counters.drops++;
      if (pool.#events.wants('drop')) pool.#events.publish('drop', { key: pool.key, worker, limit });
    }

    up(worker: number, reconnected: boolean, connectMs: number): void {
      const pool = this.pool;
      pool.#connected++;
      if (reconnected) pool.#counters.reconnects++;
      pool.#strategy.loadDropped?.(pool.#workers[worker]!.load);
      if (pool.#events.wants('connect'))
        pool.#events.publish('connect', { key: pool.key, worker, durationMs: connectMs });
    }

    down(worker: number, error: unknown): void {
      const pool = this.pool;
      pool.#connected--;
      pool.#blocked = pool.#workers.filter((w) => w.blocked).length;
      if (pool.#events.wants('disconnect')) {
        const message = errorMessage(error);
        pool.#events.publish('disconnect', { key: pool.key, worker, ...(message !== undefined && { error: message }) });
      }
    }

    blockedChanged(worker: number, blocked: boolean, reason?: string): void {
      const pool = this.pool;
      const events = pool.#events;
      pool.#blocked += blocked ? 1 : -1;
      if (blocked) {
        if (events.wants('blocked'))
          events.publish('blocked', { key: pool.key, worker, ...(reason !== undefined && { reason }) });
      } else if (events.wants('unblocked')) events.publish('unblocked', { key: pool.key, worker });
    }

    reconnectScheduled(worker: number, attempt: number, delayMs: number, error: unknown): void {
      const events = this.pool.#events;
      if (!events.wants('reconnect_attempt')) return;
      const message = errorMessage(error);
      events.publish('reconnect_attempt', {
        key: this.pool.key,
        worker,
        attempt,
        delayMs,
        ...(message !== undefined && { error: message }),
      });
    }

    tlsVerifyFailed(worker: number, failure: TlsPeerError): void {
      const events = this.pool.#events;
      if (events.wants('tls_verify_failed')) {
        events.publish('tls_verify_failed', {
          key: this.pool.key,
          worker,
          host: failure.host,
          reason: failure.reason,
          error: failure.detail,
        });
      }
    }

    closeFailed(worker: number, error: unknown): void {
      const events = this.pool.#events;
      if (events.wants('close_error')) {
        events.publish('close_error', { key: this.pool.key, worker, error: errorMessage(error) ?? 'close failed' });
      }
    }
  };

  /** @internal Use `createPools()`. */
  constructor(init: PoolInit) {
    const { spec, driver } = init;
    const options = spec.connection;
    const random = init.random ?? Math.random;
    const maxQueue = mailboxLimit(spec.options.max_worker_queue_len, driver.maxQueue?.(options));
    this.key = spec.key;
    this.#settings = {
      key: spec.key,
      driver,
      options,
      concurrency: Math.max(1, Math.floor(driver.concurrency?.(options) ?? 1)),
      maxQueue: maxQueue === undefined || !Number.isFinite(maxQueue) ? undefined : Math.max(0, maxQueue),
      reconnect: driver.reconnect?.(options) ?? DEFAULT_RECONNECT,
      keepaliveMs: driver.keepaliveMs?.(options),
      liveness: { ...DEFAULT_LIVENESS, ...driver.liveness?.(options) },
      connectTimeoutMs: init.startTimeoutMs ?? spec.options.call_timeout,
      random,
      tls: init.tls,
    };
    this.#callTimeoutMs = spec.options.call_timeout;
    this.#strategy = STRATEGY_FACTORIES[spec.options.strategy as StrategyName](random);
    this.#events = init.events;
    this.#now = init.now ?? monotonicNow;
    this.#clock = new CoarseClock(this.#now);
    this.#deadlines = new Deadlines(this.#now);
    this.#calls = this.#deadlines.lane<Request>((req) => this.#expire(req));
    const host = new Pool.#Host(this, this.#settings, this.#deadlines.lane<SubTimeout>(SubTimeout.fire));
    this.#scope = host;
    this.#workers = Array.from({ length: Math.max(1, spec.options.workers) }, (_, i) => new Worker(i, host));
  }

  /**
   * Run `fn` on one worker's connection, chosen by the pool's strategy (or `hashKey`/`pick`).
   * Rejects with `CallTimeoutError` when `call_timeout` runs out (waiting included),
   * `NoWorkersError`/`NoAvailableWorkersError` when nothing can take it, `ConnectionLostError`
   * when the connection breaks under it, `RequestDroppedError`, `PoolStoppedError`, or
   * `PoolNotStartedError` before {@link Pool.start}.
   */
  run<R>(fn: (connection: TConnection, ctx: CallContext) => Promise<R> | R, options?: RunOptions): Promise<R> {
    return this.#call(fn as CallFn, options, false);
  }

  /**
   * {@link Pool.run} for a client library with a callback API: `fn` starts the work and returns;
   * the call ends when it calls `ctx.done(value)` or `ctx.fail(error)` (a throw of `fn` fails it
   * too). Same routing, deadline, options and errors as `run()`, one promise per call fewer.
   *
   * @example
   * ```ts
   * const value = await pool.runCallback<string>((conn, ctx) =>
   *   conn.get('k', (error, v) => (error ? ctx.fail(error) : ctx.done(v))),
   * );
   * ```
   */
  runCallback<R>(fn: (connection: TConnection, ctx: CompletionContext<R>) => void, options?: RunOptions): Promise<R> {
    return this.#call(fn as unknown as CallFn, options, true);
  }

  /** One call of `run()` (`byCallback` false) or `runCallback()`. */
  #call<R>(fn: CallFn, options: RunOptions | undefined, byCallback: boolean): Promise<R> {
    if (this.#stopping) return Promise.reject(new PoolStoppedError(this.key));
    if (this.#started === undefined) return Promise.reject(new PoolNotStartedError(this.key));
    // Latency is sampled (every call of the first 256, then one in 32) to keep clock reads
    // off most calls; deadlines use the coarse clock.
    const calls = ++this.#counters.calls;
    const timed = this.#events.timing;
    const sampled = timed || calls <= 256 || (calls & 31) === 0;
    const now = sampled ? this.#clock.refresh() : this.#clock.now();
    const deadline = Math.floor(now) + this.#callTimeoutMs;
    const req = new Request(this.#scope, fn, sampled ? now : undefined, deadline, options, false, byCallback);
    if (timed) req.extras.timed = true;
    this.#pendingCalls++;
    capturing = req;
    const promise = new Promise<R>(captureSettlers);
    const signal = options?.signal;
    if (signal) {
      if (signal.aborted) {
        this.#settle(req, true, signal.reason);
        return promise;
      }
      this.#hookSignal(req, signal);
    }
    this.#calls.push(req);
    this.#route(req, false);
    return promise;
  }

  /**
   * Abandon `req` when the caller's signal aborts. Its own method: a closure in `run()` would
   * make every call allocate a context for the variables it captures.
   */
  #hookSignal(req: Request, signal: AbortSignal): void {
    const onAbort = (): void => {
      this.#abandon(req, signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    req.extras.unhook = () => signal.removeEventListener('abort', onAbort);
  }

  /** Connect every worker; resolves after each worker's first attempt (never rejects). A later call reports the state now. */
  start(): Promise<InstanceReport> {
    this.#started ??= Promise.all(this.#workers.map((w) => w.start())).then(() => undefined);
    return this.#started.then(() => this.report());
  }

  /** Live workers now, and the last connect error when none is live. */
  report(): InstanceReport {
    const base = { key: this.key, live: this.#connected, workers: this.#workers.length };
    if (this.#connected > 0) return base;
    const error = this.#workers.map((w) => w.lastErrorMessage()).find((m) => m !== undefined);
    return error === undefined ? base : { ...base, error };
  }

  /** Stop taking calls, let running and queued ones finish up to `drainTimeoutMs`, close everything. */
  stop(drainTimeoutMs = 5000): Promise<void> {
    this.#stopped ??= this.#stop(drainTimeoutMs);
    return this.#stopped;
  }

  /** Ping every live worker with the driver's cheapest round trip (queued like any call, bounded by `call_timeout`). */
  async health(): Promise<HealthReport> {
    const key = this.key;
    const started = this.#now();
    if (this.#stopping) return { key, ok: false, ms: 0, error: new PoolStoppedError(key).message };
    const live = this.#workers.filter((w) => w.connected);
    if (live.length === 0) return { key, ok: false, ms: 0, error: new NoWorkersError(key).message };
    const driver = this.#settings.driver;
    const results = await Promise.allSettled(
      live.map(
        (worker) =>
          new Promise<unknown>((resolve, reject) => {
            const req = this.#internalRequest((c, ctx) => driver.ping(c, ctx));
            const gen = worker.gen;
            req.resolve = resolve;
            req.reject = (error: unknown) => {
              // a failed health ping is evidence against the connection (engine/liveness.ts)
              if (!this.#stopping) worker.healthFailed(gen, req.extras.ran, error);
              reject(error);
            };
            worker.submit(req);
          }),
      ),
    );
    // Rounded to the microsecond, like the latencies of stats().
    const ms = Math.round((this.#now() - started) * 1000) / 1000;
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (!failure) return { key, ok: true, ms };
    return { key, ok: false, ms, error: errorMessage(failure.reason) ?? 'ping failed' };
  }

  /** Counters, worker load, queue length and latency summary. */
  stats(): PoolStats {
    let busy = 0;
    let pending = this.#queue.length;
    for (const w of this.#workers) {
      if (w.connected && w.running > 0) busy++;
      pending += w.mailbox.length;
    }
    return {
      key: this.key,
      workers: { live: this.#connected, total: this.#workers.length, busy },
      load: this.#workers.map((w) => w.load),
      queue: this.#queue.length,
      pending,
      counters: this.#counters.snapshot(),
      latency: this.#latency.summary(),
    };
  }

  /** A pool-internal request (keepalive or health ping, liveness probe), bounded by `call_timeout` unless `timeoutMs` is given. */
  #internalRequest(fn: (connection: unknown, ctx: Request) => unknown, timeoutMs = this.#callTimeoutMs): Request {
    const now = this.#clock.refresh();
    const req = new Request(this.#scope, fn as unknown as CallFn, now, Math.floor(now) + timeoutMs, undefined, true);
    this.#calls.push(req);
    return req;
  }

  #route(req: Request, handback: boolean): void {
    const workers = this.#workers;
    const options = req.options;
    let strategy = this.#strategy;
    if (options !== undefined) {
      if (options.hashKey !== undefined) {
        workers[hashIndex(options.hashKey, workers.length)]!.submit(req);
        return;
      }
      const pick = options.pick;
      if (pick !== undefined) {
        if (typeof pick !== 'function') strategy = pick;
        else return this.#routeByPicker(req, pick);
      }
    }
    const worker = strategy.pick(workers);
    if (worker) {
      worker.submit(req);
      return;
    }
    if (this.#blocked > 0) {
      // Every routable worker is taken or gone, but some are only blocked: wait on the least loaded.
      const blocked = this.#leastLoadedBlocked();
      if (blocked) return blocked.submit(req);
    }
    if (handback || (strategy.whenNoneFits === 'queue' && this.#connected > 0)) {
      req.state = RequestState.Pool;
      this.#queue.push(req);
      return;
    }
    this.#settle(req, true, this.#connected > 0 ? new NoAvailableWorkersError(this.key) : new NoWorkersError(this.key));
  }

  /** Route by a custom picker function; `NoWorkersError` when it returns nothing usable. */
  #routeByPicker(req: Request, pick: (workers: readonly Worker[]) => unknown): void {
    const workers = this.#workers;
    let view: unknown;
    try {
      view = pick(workers);
    } catch (error) {
      return this.#settle(req, true, error);
    }
    const chosen = view instanceof Worker ? workers[view.index] : undefined;
    if (chosen === view && chosen !== undefined) chosen.submit(req);
    else this.#settle(req, true, new NoWorkersError(this.key));
  }

  #leastLoadedBlocked(): Worker | undefined {
    let best: Worker | undefined;
    for (const w of this.#workers) if (w.blocked && (best === undefined || w.load < best.load)) best = w;
    return best;
  }

  /** Give the caller its result and account for it. Runs once per request. */
  #settle(req: Request, failed: boolean, result: unknown): void {
    if (req.settled) return;
    req.settled = true;
    this.#calls.remove(req);
    req.unhook();
    if (!req.internal) {
      this.#pendingCalls--;
      const startedAt = req.startedAt;
      if (startedAt !== undefined) this.#latency.record(this.#now() - startedAt);
      if (failed) this.#counters.failures++;
      else this.#counters.successes++;
      if (req.timed) this.#publishCall(req, failed);
    }
    if (failed) req.reject(result);
    else req.resolve(result);
    if (this.#drained && this.#pendingCalls === 0) this.#drained();
  }

  /** The `call` event of a settled user call (only while someone listens). */
  #publishCall(req: Request, failed: boolean): void {
    const now = this.#now();
    const runAt = req.extras.runAt;
    const startedAt = req.startedAt ?? now;
    const ran = runAt !== 0 && req.worker !== undefined;
    this.#events.publish('call', {
      key: this.key,
      ...(ran && { worker: req.worker!.index }),
      waitMs: Math.max(0, (ran ? runAt : now) - startedAt),
      ...(ran && { useMs: Math.max(0, now - runAt) }),
      failed,
    });
  }

  /** Take a request out of wherever it waits (or abort it where it runs) and fail it. */
  #abandon(req: Request, error: unknown): CallStage | undefined {
    if (req.settled) return undefined;
    let stage: CallStage | undefined;
    switch (req.state) {
      case RequestState.Pool:
        this.#queue.remove(req);
        req.state = RequestState.Done;
        stage = 'queue';
        break;
      case RequestState.Mailbox:
        (req.worker as Worker).unqueue(req);
        req.state = RequestState.Done;
        stage = 'mailbox';
        break;
      case RequestState.Running:
        req.abort(error); // the worker stays busy until the call really returns; its result is dropped
        stage = 'running';
        break;
    }
    this.#settle(req, true, error);
    return stage;
  }

  #expire(req: Request): void {
    if (req.settled) return;
    const error = new CallTimeoutError(this.#callTimeoutMs, this.key);
    const worker = req.worker?.index;
    if (!req.internal) this.#counters.timeouts++;
    const stage = this.#abandon(req, error) ?? 'queue';
    // a call that timed out on a worker counts against that worker's connection (engine/liveness.ts)
    if (!req.internal && stage !== 'queue') (req.worker as Worker).callTimedOut(stage === 'running');
    const events = this.#events;
    if (!req.internal && events.wants('call_timeout')) {
      events.publish('call_timeout', {
        key: this.key,
        ...(worker !== undefined && { worker }),
        stage,
        timeoutMs: this.#callTimeoutMs,
      });
    }
  }

  async #stop(drainMs: number): Promise<void> {
    this.#stopping = true;
    if (this.#pendingCalls > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#drained = resolve;
        timer = setTimeout(resolve, drainMs);
      });
      clearTimeout(timer);
      this.#drained = undefined;
    }
    for (let req = this.#calls.peek(); req; req = this.#calls.peek()) {
      this.#abandon(req, new PoolStoppedError(this.key));
    }
    this.#deadlines.close();
    await Promise.all(this.#workers.map((w) => w.stop()));
  }
}

/**
 * A worker's mailbox limit: the pool-level `max_worker_queue_len` and the driver's own limit
 * (rabbit's `connection.max_worker_queue_len`) both apply, so the smaller one wins.
 */
function mailboxLimit(pool: number | undefined, driver: number | undefined): number | undefined {
  if (pool === undefined) return driver;
  return driver === undefined ? pool : Math.min(pool, driver);
}
