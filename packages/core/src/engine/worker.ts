/**
 * One worker: exactly one connection, a FIFO mailbox of requests not yet started, and the set of
 * requests running on the connection. It owns its connection lifecycle: connect (bounded by the
 * connect timeout), keepalive pings, loss, close, reconnect with backoff (docs/lifecycle.md).
 * It sees its pool only through a {@link WorkerHost}.
 * @module
 */
import type { ConnectContext } from '../driver/contract.js';
import type { WorkerView } from '../strategies/types.js';
import { ConnectionLostError, RequestDroppedError } from '../errors.js';
import type { TlsPeerError } from '../tls/verify.js';
import { Mailbox } from './mailbox.js';
import { hold, mayStart, release, wantsWorker } from './exclusive.js';
import { mapFailure, type Request, RequestState } from './request.js';
import { backoffDelay } from './backoff.js';
import { errorMessage } from './events.js';
import { raceAbort } from './abort.js';
import { isTimeoutError, Liveness, type ProbedWorker } from './liveness.js';
import type { EngineDriver, WorkerHost, WorkerSettings } from './worker-host.js';

/** A worker's connection state. */
export type WorkerState = 'new' | 'connecting' | 'live' | 'backoff' | 'stopped';

/** @internal */
export class Worker implements WorkerView, ProbedWorker {
  /** Routable: connected and not blocked by the server (what strategies read). */
  live = false;
  state: WorkerState = 'new';
  /** Running plus queued requests, kept up to date at every change (a plain field: strategies read it on every call). */
  load = 0;
  readonly mailbox = new Mailbox<Request>();
  readonly active = new Mailbox<Request>();
  connection: unknown = undefined;
  /** Generation of the current connection; a `lost()` from an older one is ignored. */
  gen = 0;
  /** The exclusive call holding this worker, waiting or running (see exclusive.ts). */
  holder: Request | undefined = undefined;
  #genCounter = 0;
  /** Consecutive failed connect attempts. */
  failures = 0;
  lastError: unknown = undefined;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #connectAbort: AbortController | undefined = undefined;
  #firstRound: (() => void) | undefined = undefined;
  /** Completion handlers of the current connection (concurrency 1), made by its first call. */
  #serial: SerialCompletion | undefined = undefined;
  /** Inside {@link Worker.pump}: a call that finishes synchronously does not pump again. */
  #pumping = false;
  /** A liveness probe waits for a free slot (see {@link Liveness}). */
  probePending = false;
  /** Made at the first sign of trouble (most workers never need one). */
  #livenessState: Liveness | undefined = undefined;

  /** Calls one connection runs at once (the driver's `concurrency`), read on every call. */
  readonly concurrency: number;

  constructor(
    readonly index: number,
    private readonly host: WorkerHost,
  ) {
    this.concurrency = host.settings.concurrency;
  }

  /** The server asked this connection to hold back (see `ConnectContext.blocked`): connected but not routable. */
  get blocked(): boolean {
    return this.state === 'live' && !this.live;
  }

  /** Calls running on the connection now. */
  get running(): number {
    return this.active.length;
  }

  /** Connected (blocked or not). */
  get connected(): boolean {
    return this.state === 'live';
  }

  get #settings(): WorkerSettings {
    return this.host.settings;
  }

  get #driver(): EngineDriver {
    return this.host.settings.driver;
  }

  /** Start connecting; resolves after the first attempt (success, failure or connect timeout). */
  start(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#firstRound = resolve;
      void this.#attempt();
    });
  }

  /** Accept a routed request: run it now when there is room, else queue it. */
  submit(req: Request): void {
    req.worker = this;
    const concurrency = this.concurrency;
    if (this.holder === undefined && wantsWorker(req, concurrency)) hold(this, req, concurrency);
    if (
      this.connected &&
      this.active.length < concurrency &&
      this.mailbox.length === 0 &&
      (this.holder === undefined || mayStart(this, req, concurrency))
    ) {
      this.#execute(req);
      return;
    }
    req.state = RequestState.Mailbox;
    this.mailbox.push(req);
    this.load++;
    const limit = this.#settings.maxQueue;
    if (limit !== undefined) {
      while (this.mailbox.length > limit) {
        const dropped = this.mailbox.shift()!;
        release(this, dropped, concurrency);
        this.host.loadDropped(--this.load);
        dropped.state = RequestState.Done;
        this.host.dropped(dropped, this.index, limit);
        this.host.settle(dropped, true, new RequestDroppedError(limit, this.#settings.key));
      }
    }
  }

  /**
   * Start queued requests while there is room: own mailbox first, then the pool queue. An
   * exclusive call waits for the running ones and holds back the rest (exclusive.ts).
   */
  pump(): void {
    if (this.#pumping) return; // a call finished inside this loop: the loop goes on (no recursion)
    this.#pumping = true;
    try {
      this.#pumpLoop();
    } finally {
      this.#pumping = false;
    }
  }

  #pumpLoop(): void {
    const concurrency = this.concurrency;
    while (this.connected && this.active.length < concurrency) {
      let req = this.mailbox.peek();
      if (req !== undefined) {
        if (this.holder === undefined && wantsWorker(req, concurrency)) hold(this, req, concurrency);
        if (this.holder !== undefined && !mayStart(this, req, concurrency)) break;
        this.mailbox.shift();
        this.load--;
      } else {
        if (this.holder !== undefined) break; // it runs: nothing else starts
        req = this.host.takeQueued();
        if (!req) break;
        if (wantsWorker(req, concurrency)) {
          hold(this, req, concurrency);
          if (this.active.length > 0) {
            req.worker = this;
            req.state = RequestState.Mailbox;
            this.mailbox.push(req);
            this.load++;
            break;
          }
        }
      }
      this.#execute(req);
    }
  }

  #execute(req: Request): void {
    req.state = RequestState.Running;
    req.worker = this;
    if (req.timed) req.extras.runAt = this.host.preciseNow();
    if (req.internal) req.extras.ran = true;
    this.load++;
    this.active.push(req);
    if (req.byCallback) {
      runByCallback(this, req);
      return;
    }
    let result: unknown;
    try {
      result = (req.fn as unknown as (c: unknown, ctx: Request) => unknown)(this.connection, req);
    } catch (error) {
      result = Promise.reject(error); // settled on a later tick, never inside submit()/pump()
    }
    const promise = result instanceof Promise ? result : Promise.resolve(result);
    if (this.concurrency === 1) {
      const serial = (this.#serial ??= new SerialCompletion(this, this.gen));
      serial.req = req;
      promise.then(serial.onValue, serial.onError);
      return;
    }
    whenSettled(this, req, promise);
  }

  /** A call that ran on the connection of generation `gen` returned. */
  finish(req: Request, gen: number, failed: boolean, result: unknown): void {
    // Stale: the connection it ran on is gone (the request may run again elsewhere, or here on a new connection).
    if (gen !== this.gen || req.list !== this.active) return;
    if (failed) {
      if (result instanceof ConnectionLostError && this.connected) {
        this.lost(gen, result);
        return;
      }
      if (!req.settled && !req.internal && isTimeoutError(result)) this.#liveness.timedOut();
    }
    req.disarmTimeout();
    this.active.remove(req);
    if (this.holder !== undefined) release(this, req, this.concurrency);
    this.host.loadDropped(--this.load);
    req.state = RequestState.Done;
    if (!req.settled) this.host.settle(req, failed, result);
    if (this.probePending) this.#liveness.runPending();
    if (this.mailbox.length !== 0 || this.host.queued !== 0) this.pump(); // else nothing waits
  }

  /** This worker's liveness policy state (engine/liveness.ts), made on first use. */
  get #liveness(): Liveness {
    return (this.#livenessState ??= new Liveness(this, this.host));
  }

  /** The oldest call running on the connection (for the liveness policy). */
  oldestRunning(): Request | undefined {
    return this.active.peek();
  }

  /** Run a pool-internal request now, beside the running calls (a liveness probe). */
  runNow(req: Request): void {
    if (this.connected) this.#execute(req);
  }

  /** A call routed here ran out of `call_timeout`; `running`: it was abandoned on the connection. */
  callTimedOut(running: boolean): void {
    this.#liveness.callTimedOut(running);
  }

  /** A health ping submitted on connection `gen` failed; `ran`: it had started on the connection. */
  healthFailed(gen: number, ran: boolean, error: unknown): void {
    this.#liveness.healthFailed(gen, ran, error);
  }

  /** Take a queued request out of the mailbox (its caller gave up). */
  unqueue(req: Request): void {
    if (req.list !== (this.mailbox as unknown as Request['list'])) return;
    this.mailbox.remove(req);
    const released = this.holder !== undefined && release(this, req, this.concurrency);
    this.host.loadDropped(--this.load);
    if (released) this.pump(); // what waited behind it may start
  }

  /** The connection of generation `gen` broke. */
  lost(gen: number, error: unknown): void {
    if (gen !== this.gen || !this.connected) return;
    this.#livenessState?.reset();
    this.live = false;
    this.state = 'backoff';
    this.lastError = error;
    this.#clearTimer();
    const connection = this.connection;
    this.connection = undefined;
    this.host.down(this.index, error);
    this.holder = undefined; // the loads below are recounted without it
    const running = this.active.drain();
    this.load = this.mailbox.length;
    for (const req of running) {
      req.state = RequestState.New;
      req.disarmTimeout();
      if (req.settled) continue;
      if (req.options?.retryOnLost === true && !req.extras.retried) {
        req.extras.retried = true;
        this.host.reroute(req);
      } else {
        const lostError = new ConnectionLostError('connection lost', this.#settings.key, { cause: error });
        req.abort(lostError);
        req.state = RequestState.Done;
        this.host.settle(req, true, lostError);
      }
    }
    const queued = this.mailbox.drain();
    this.load = this.active.length + this.mailbox.length;
    for (const req of queued) {
      req.state = RequestState.New;
      this.host.reroute(req);
    }
    this.#close(connection);
    this.#scheduleReconnect(error);
  }

  /** The server blocked or unblocked this connection (generation `gen`). */
  #setBlocked(gen: number, blocked: boolean, reason?: string): void {
    if (gen !== this.gen || !this.connected || this.blocked === blocked) return;
    this.live = !blocked;
    if (!blocked) this.host.loadDropped(this.load);
    this.host.blockedChanged(this.index, blocked, reason);
  }

  async #attempt(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'connecting';
    const connGen = ++this.#genCounter;
    const abort = new AbortController();
    this.#connectAbort = abort;
    let lostEarly: unknown;
    let wasLostEarly = false;
    const settings = this.#settings;
    const tls = settings.tls;
    const timeoutMs = settings.connectTimeoutMs;
    const connectStart = performance.now();
    const abortAt = connectStart + timeoutMs;
    const ctx: ConnectContext = {
      key: settings.key,
      workerIndex: this.index,
      signal: abort.signal,
      tls: tls?.options,
      verifyTls: tls ? (socket) => tls.verify(socket, (failure) => this.#tlsFailed(failure)) : noVerify,
      timeLeftMs: () => Math.max(0, abortAt - performance.now()),
      tlsFor: (host: string) => {
        const other = tls?.forHost(host);
        return other && { options: other.options, verify: (socket) => other.verify(socket, (f) => this.#tlsFailed(f)) };
      },
      lost: (error?: unknown) => {
        if (this.gen === connGen) this.lost(connGen, error ?? new Error('connection closed'));
        else if (this.state === 'connecting' && this.#genCounter === connGen) {
          wasLostEarly = true;
          lostEarly = error;
        }
      },
      blocked: (reason?: string) => this.#setBlocked(connGen, true, reason),
      unblocked: () => this.#setBlocked(connGen, false),
    };
    const timer = setTimeout(() => abort.abort(new Error(`connect timed out after ${timeoutMs} ms`)), timeoutMs);
    let ok = false;
    let connection: unknown;
    let failure: unknown;
    try {
      connection = await raceAbort(
        startSafely(() => this.#driver.connect(settings.options, ctx)),
        abort.signal,
        (late) => this.#close(late),
      );
      ok = true;
    } catch (error) {
      failure = error;
    }
    clearTimeout(timer);
    this.#connectAbort = undefined;
    if (ok && (this.#isStopped() || wasLostEarly)) {
      this.#close(connection);
      ok = false;
      failure = lostEarly ?? new Error('connection lost while connecting');
    }
    if (this.#isStopped()) return this.#endFirstRound();
    if (ok) {
      const reconnected = this.gen !== 0 || this.failures > 0; // gen 0: never connected before
      this.connection = connection;
      this.gen = connGen;
      this.#serial = undefined; // made by the first call on this connection
      this.live = true;
      this.state = 'live';
      this.failures = 0;
      this.lastError = undefined;
      this.#livenessState?.reset();
      this.host.up(this.index, reconnected, performance.now() - connectStart);
      this.#endFirstRound();
      this.pump();
      this.#scheduleKeepalive();
    } else {
      this.lastError = failure;
      this.#endFirstRound();
      this.#scheduleReconnect(failure);
    }
  }

  #tlsFailed(failure: TlsPeerError): void {
    this.host.tlsVerifyFailed(this.index, failure);
  }

  #isStopped(): boolean {
    return this.state === 'stopped';
  }

  #endFirstRound(): void {
    const done = this.#firstRound;
    this.#firstRound = undefined;
    done?.();
  }

  #scheduleReconnect(error: unknown): void {
    if (this.state === 'stopped') return;
    this.state = 'backoff';
    const delayMs = backoffDelay(this.#settings.reconnect, this.failures, this.#settings.random);
    this.failures++;
    this.host.reconnectScheduled(this.index, this.failures, delayMs, error);
    this.#clearTimer();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#attempt();
    }, delayMs);
  }

  #scheduleKeepalive(): void {
    const every = this.#settings.keepaliveMs;
    if (every === undefined || every <= 0 || this.state !== 'live') return;
    this.#clearTimer();
    // a static handler with the worker as argument: no closure per worker (most are idle)
    this.#timer = setTimeout(Worker.#keepaliveDue, every, this);
  }

  static #keepaliveDue(worker: Worker): void {
    worker.#keepalive();
  }

  #keepalive(): void {
    this.#timer = undefined;
    if (!this.connected || this.host.stopping) return;
    if (this.load > 0) {
      // busy: no ping now, unless the oldest running call has run for a whole interval
      this.#scheduleKeepalive();
      this.#liveness.busy();
      return;
    }
    const gen = this.gen;
    const req = this.host.internalRequest((c, ctx) => this.#driver.ping(c, ctx));
    req.resolve = () => {
      if (this.gen === gen) this.#scheduleKeepalive();
    };
    req.reject = (error) => {
      if (!this.host.stopping) this.lost(gen, error); // a ping failed by stop() is no sign of a broken connection
    };
    this.submit(req);
  }

  /** Close a connection; errors are swallowed and reported as `close_error`. */
  #close(connection: unknown): void {
    if (connection === undefined) return;
    try {
      Promise.resolve(this.#driver.close(connection)).then(undefined, (error: unknown) =>
        this.host.closeFailed(this.index, error),
      );
    } catch (error) {
      this.host.closeFailed(this.index, error);
    }
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Stop for good: cancel timers and any connect attempt, close the connection. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    this.#clearTimer();
    this.#connectAbort?.abort(new Error('pool stopped'));
    this.#endFirstRound();
    const connection = this.connection;
    this.connection = undefined;
    this.live = false;
    this.gen = -1;
    if (connection === undefined) return;
    // A close that never settles must not hold stop() forever: bound it by the connect timeout.
    const ms = this.#settings.connectTimeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.host.closeFailed(this.index, new Error(`close timed out after ${ms} ms`));
        resolve();
      }, ms);
    });
    try {
      await Promise.race([Promise.resolve(this.#driver.close(connection)), timedOut]);
    } catch (error) {
      this.host.closeFailed(this.index, error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Message of the last connect or connection error, for reports. */
  lastErrorMessage(): string | undefined {
    return errorMessage(this.lastError);
  }
}

/**
 * The completion handlers of one connection of a worker that runs one call at a time: at most one
 * call of a connection is running, so the handlers are bound once per connection, not per call.
 * A result arriving after the connection was replaced goes to its old handlers and is ignored.
 */
class SerialCompletion {
  /** The call running on the connection. */
  req: Request | undefined = undefined;

  constructor(
    readonly worker: Worker,
    readonly gen: number,
  ) {}

  readonly onValue = (value: unknown): void => {
    const req = this.req;
    if (req === undefined) return;
    this.req = undefined;
    this.worker.finish(req, this.gen, false, value);
  };

  readonly onError = (error: unknown): void => {
    const req = this.req;
    if (req === undefined) return;
    this.req = undefined;
    this.worker.finish(req, this.gen, true, mapFailure(req, error));
  };
}

/**
 * Start a `runCallback` call: its function finishes it with `ctx.done`/`ctx.fail`, possibly before
 * it returns (the worker's pump loop goes on without recursing). A throw fails the run; so does
 * the rejection of a promise it returns by mistake (an `async` function), instead of an unhandled
 * rejection.
 */
function runByCallback(worker: Worker, req: Request): void {
  const ctx = req.runContext();
  try {
    const result: unknown = (req.fn as unknown as (c: unknown, ctx: unknown) => unknown)(worker.connection, ctx);
    if (result instanceof Promise) result.then(undefined, (error: unknown) => ctx.fail(error));
  } catch (error) {
    ctx.fail(error);
  }
}

/**
 * Finish `req` on `worker` when its promise settles (a worker that runs many calls at once).
 * Outside `#execute`: closures there would make every call, serial ones too, allocate a context.
 */
function whenSettled(worker: Worker, req: Request, promise: Promise<unknown>): void {
  const gen = worker.gen;
  promise.then(
    (value: unknown) => worker.finish(req, gen, false, value),
    (error: unknown) => worker.finish(req, gen, true, mapFailure(req, error)),
  );
}

/** The promise of `start()`, or a rejected one when it throws synchronously. */
function startSafely<T>(start: () => Promise<T>): Promise<T> {
  try {
    return Promise.resolve(start());
  } catch (error) {
    return Promise.reject(error);
  }
}

const noVerify = (): void => {};
