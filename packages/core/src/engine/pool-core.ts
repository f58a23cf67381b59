/**
 * The engine of one pool instance: routing by strategy, key or custom picker, the pool-wide
 * queue, the `call_timeout` deadline sweep, settling calls, stats and events. The public face is
 * {@link Pool} (`pool.ts`); workers (`worker.ts`) call back into this class.
 * @module
 */
import type { ConnectionOptions as NodeTlsConnectionOptions, TLSSocket } from 'node:tls';
import type { CallContext, PoolDriver, ReconnectPolicy, RunOptions } from '../driver/contract.js';
import { DEFAULT_RECONNECT } from '../driver/contract.js';
import type { Strategy } from '../config/pool-schema.js';
import type { PoolInstanceSpec } from '../config/types.js';
import { CallTimeoutError, NoAvailableWorkersError, NoWorkersError, PoolStoppedError, type PoolKey } from '../errors.js';
import { Mailbox } from './mailbox.js';
import { Request, RequestState, type CallFn } from './request.js';
import { CoarseClock, DeadlineList, monotonicNow, type Clock } from './deadlines.js';
import { Worker } from './worker.js';
import { LeastLoaded, STRATEGY_FACTORIES, hashIndex, type WorkerPick } from '../strategies/index.js';
import { Counters, LatencyRecorder, type PoolStats } from './stats.js';
import { errorMessage, type CallStage, type PoolEvents } from './events.js';
import type { RandomSource } from './backoff.js';

/** A driver of any type, as the engine holds it. @internal */
export type AnyDriver = PoolDriver<never, never, unknown>;

/** What a pool instance needs. @internal */
export interface PoolCoreInit {
  readonly spec: PoolInstanceSpec;
  readonly driver: AnyDriver;
  readonly events: PoolEvents;
  readonly random?: RandomSource | undefined;
  readonly now?: Clock | undefined;
  /** Bound of each connect attempt, and so of `start()`; default `call_timeout`. */
  readonly startTimeoutMs?: number | undefined;
  readonly tls?: NodeTlsConnectionOptions | undefined;
  readonly verifyTls?: ((socket: TLSSocket) => void) | undefined;
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

const noVerify = (): void => {};

/** The request whose promise is being built: lets one shared executor take its resolve/reject (no closure per call). */
let capturing: Request | undefined;

function captureSettlers(resolve: (value: never) => void, reject: (error: unknown) => void): void {
  const req = capturing!;
  capturing = undefined;
  req.resolve = resolve as (value: unknown) => void;
  req.reject = reject;
}

/** @internal */
export class PoolCore {
  readonly key: PoolKey;
  readonly driver: PoolDriver<unknown, unknown, unknown>;
  readonly connection: unknown;
  readonly strategy: Strategy;
  readonly concurrency: number;
  readonly maxQueue: number | undefined;
  readonly reconnectPolicy: ReconnectPolicy;
  readonly keepaliveMs: number | undefined;
  readonly callTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly tls: NodeTlsConnectionOptions | undefined;
  readonly verifyTls: (socket: TLSSocket) => void;
  readonly random: RandomSource;
  readonly now: Clock;
  readonly events: PoolEvents;
  readonly workers: Worker[];
  /** Pool-wide FIFO: available_worker waiters, and requests waiting for any worker to come back. */
  readonly queue = new Mailbox<Request>();
  readonly deadlines: DeadlineList;
  readonly counters = new Counters();
  readonly latency = new LatencyRecorder();
  /** best_worker's picker and lower bound of the least load (workers report loads that drop). */
  readonly leastLoaded: LeastLoaded;
  liveCount = 0;
  stopping = false;
  /** Unsettled user calls (internal pings excluded): what stop() drains. */
  #pendingCalls = 0;
  readonly #clock: CoarseClock;
  #pick: WorkerPick;
  #drained: (() => void) | undefined = undefined;
  #stopped: Promise<void> | undefined = undefined;
  #started: Promise<void> | undefined = undefined;

  constructor(init: PoolCoreInit) {
    const { spec } = init;
    const driver = init.driver as unknown as PoolDriver<unknown, unknown, unknown>;
    const connection = spec.connection;
    this.key = spec.key;
    this.driver = driver;
    this.connection = connection;
    this.strategy = spec.options.strategy as Strategy;
    this.concurrency = Math.max(1, Math.floor(driver.concurrency?.(connection) ?? 1));
    const maxQueue = driver.maxQueue?.(connection);
    this.maxQueue = maxQueue === undefined || !Number.isFinite(maxQueue) ? undefined : Math.max(0, maxQueue);
    this.reconnectPolicy = driver.reconnect?.(connection) ?? DEFAULT_RECONNECT;
    this.keepaliveMs = driver.keepaliveMs?.(connection);
    this.callTimeoutMs = spec.options.call_timeout;
    this.connectTimeoutMs = init.startTimeoutMs ?? spec.options.call_timeout;
    this.tls = init.tls;
    this.verifyTls = init.verifyTls ?? noVerify;
    this.random = init.random ?? Math.random;
    this.now = init.now ?? monotonicNow;
    this.events = init.events;
    const leastLoaded = (this.leastLoaded = new LeastLoaded(this.random));
    this.#pick =
      this.strategy === 'best_worker'
        ? (workers) => leastLoaded.pick(workers)
        : STRATEGY_FACTORIES[this.strategy](this.random);
    this.#clock = new CoarseClock(this.now);
    this.deadlines = new DeadlineList(this.now, (req) => this.#expire(req));
    this.workers = Array.from({ length: Math.max(1, spec.options.workers) }, (_, i) => new Worker(i, this));
  }

  /** Route a call to a worker and settle it within `call_timeout`. */
  run<R>(fn: (connection: never, ctx: CallContext) => Promise<R> | R, options?: RunOptions): Promise<R> {
    if (this.stopping) return Promise.reject(new PoolStoppedError(this.key));
    // Latency is sampled (every call of the first 256, then one in 32) to keep clock reads
    // off most calls; deadlines use the coarse clock.
    const calls = ++this.counters.calls;
    const sampled = calls <= 256 || (calls & 31) === 0;
    const now = sampled ? this.#clock.refresh() : this.#clock.now();
    const req = new Request(this.key, fn as CallFn, now, now + this.callTimeoutMs, options, false);
    req.sampled = sampled;
    this.#pendingCalls++;
    capturing = req;
    const promise = new Promise<R>(captureSettlers);
    const signal = options?.signal;
    if (signal) {
      if (signal.aborted) {
        this.complete(req, true, signal.reason);
        return promise;
      }
      const onAbort = (): void => {
        this.#abandon(req, signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      req.unhook = () => signal.removeEventListener('abort', onAbort);
    }
    this.deadlines.push(req);
    this.#route(req, false);
    return promise;
  }

  /** A pool-internal request (keepalive or health ping), bounded by `call_timeout`. */
  internalRequest(fn: (connection: unknown, ctx: CallContext) => unknown): Request {
    const now = this.#clock.refresh();
    const req = new Request(this.key, fn as CallFn, now, now + this.callTimeoutMs, undefined, true);
    this.deadlines.push(req);
    return req;
  }

  #route(req: Request, handback: boolean): void {
    const workers = this.workers;
    const options = req.options;
    if (options !== undefined && this.#routeByOption(req, options, workers)) return;
    const worker = this.#pick(workers);
    if (worker) {
      worker.submit(req);
      return;
    }
    if (handback || (this.strategy === 'available_worker' && this.liveCount > 0)) {
      req.state = RequestState.Pool;
      this.queue.push(req);
      return;
    }
    this.complete(
      req,
      true,
      this.liveCount > 0 && this.strategy === 'next_available_worker'
        ? new NoAvailableWorkersError(this.key)
        : new NoWorkersError(this.key),
    );
  }

  /** Route by `hashKey` or a custom `pick`; false when the options name neither (the strategy decides). */
  #routeByOption(req: Request, options: RunOptions, workers: Worker[]): boolean {
    if (options.hashKey !== undefined) {
      workers[hashIndex(options.hashKey, workers.length)]!.submit(req);
      return true;
    }
    const pick = options.pick;
    if (!pick) return false;
    let view;
    try {
      view = pick(workers);
    } catch (error) {
      this.complete(req, true, error);
      return true;
    }
    const chosen = view === undefined ? undefined : workers[view.index];
    if (chosen && chosen === view) chosen.submit(req);
    else this.complete(req, true, new NoWorkersError(this.key));
    return true;
  }

  /** Route again a request taken back from a broken worker; it waits when nothing fits. */
  reroute(req: Request): void {
    if (req.settled) return;
    this.#route(req, true);
  }

  /** The head of the pool-wide queue, for a worker with room. */
  takeQueued(): Request | undefined {
    return this.queue.shift();
  }

  /** Give the caller its result and account for it. Runs once per request. */
  complete(req: Request, failed: boolean, result: unknown): void {
    if (req.settled) return;
    req.settled = true;
    this.deadlines.remove(req);
    if (req.unhook) req.unhook();
    if (!req.internal) {
      this.#pendingCalls--;
      if (req.sampled) this.latency.record(this.now() - req.startedAt);
      if (failed) this.counters.failures++;
      else this.counters.successes++;
    }
    if (failed) req.reject(result);
    else req.resolve(result);
    if (this.#drained && this.#pendingCalls === 0) this.#drained();
  }

  /** Take a request out of wherever it waits (or abort it where it runs) and fail it. */
  #abandon(req: Request, error: unknown): CallStage | undefined {
    if (req.settled) return undefined;
    let stage: CallStage | undefined;
    switch (req.state) {
      case RequestState.Pool:
        this.queue.remove(req);
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
    this.complete(req, true, error);
    return stage;
  }

  #expire(req: Request): void {
    if (req.settled) return;
    const error = new CallTimeoutError(this.callTimeoutMs, this.key);
    const worker = req.worker?.index;
    if (!req.internal) this.counters.timeouts++;
    const stage = this.#abandon(req, error) ?? 'queue';
    if (!req.internal && this.events.wants('call_timeout')) {
      this.events.publish('call_timeout', {
        key: this.key,
        ...(worker !== undefined && { worker }),
        stage,
        timeoutMs: this.callTimeoutMs,
      });
    }
  }

  /** A request was dropped from the head of a full mailbox. */
  dropped(req: Request, worker: Worker, limit: number, error: unknown): void {
    if (!req.internal) this.counters.drops++;
    if (this.events.wants('drop')) this.events.publish('drop', { key: this.key, worker: worker.index, limit });
    this.complete(req, true, error);
  }

  workerUp(worker: Worker): void {
    this.liveCount++;
    this.leastLoaded.lowered(worker.load);
    if (this.events.wants('connect')) this.events.publish('connect', { key: this.key, worker: worker.index });
  }

  workerDown(worker: Worker, error: unknown): void {
    this.liveCount--;
    if (this.events.wants('disconnect')) {
      const message = errorMessage(error);
      this.events.publish('disconnect', {
        key: this.key,
        worker: worker.index,
        ...(message !== undefined && { error: message }),
      });
    }
  }

  reconnectScheduled(worker: Worker, attempt: number, delayMs: number, error: unknown): void {
    if (this.events.wants('reconnect_attempt')) {
      const message = errorMessage(error);
      this.events.publish('reconnect_attempt', {
        key: this.key,
        worker: worker.index,
        attempt,
        delayMs,
        ...(message !== undefined && { error: message }),
      });
    }
  }

  closeFailed(worker: Worker, error: unknown): void {
    if (this.events.wants('close_error')) {
      this.events.publish('close_error', {
        key: this.key,
        worker: worker.index,
        error: errorMessage(error) ?? 'close failed',
      });
    }
  }

  /** Connect every worker; resolves after each worker's first attempt. A later call reports the state now. */
  start(): Promise<InstanceReport> {
    this.#started ??= Promise.all(this.workers.map((w) => w.start())).then(() => undefined);
    return this.#started.then(() => this.report());
  }

  /** Live workers now, and the last connect error when none is live. */
  report(): InstanceReport {
    const base = { key: this.key, live: this.liveCount, workers: this.workers.length };
    if (this.liveCount > 0) return base;
    const error = this.workers.map((w) => w.lastErrorMessage()).find((m) => m !== undefined);
    return error === undefined ? base : { ...base, error };
  }

  /** Stop taking calls, drain up to `drainMs`, then fail what is left and close everything. */
  stop(drainMs: number): Promise<void> {
    this.#stopped ??= this.#stop(drainMs);
    return this.#stopped;
  }

  async #stop(drainMs: number): Promise<void> {
    this.stopping = true;
    if (this.#pendingCalls > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#drained = resolve;
        timer = setTimeout(resolve, drainMs);
      });
      clearTimeout(timer);
      this.#drained = undefined;
    }
    for (let req = this.deadlines.peek(); req; req = this.deadlines.peek()) {
      this.#abandon(req, new PoolStoppedError(this.key));
    }
    this.deadlines.clear();
    await Promise.all(this.workers.map((w) => w.stop()));
  }

  /** A snapshot of this instance (spec 7). */
  stats(): PoolStats {
    return {
      key: this.key,
      workers: { live: this.liveCount, total: this.workers.length },
      load: this.workers.map((w) => w.load),
      queue: this.queue.length,
      counters: this.counters.snapshot(),
      latency: this.latency.summary(),
    };
  }
}
