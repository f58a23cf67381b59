/**
 * One call in flight. The request object is also the `CallContext` handed to the driver, so a
 * call costs one object and one promise; its `AbortController` is created only if the driver
 * reads `ctx.signal`. It links into one mailbox (worker mailbox, running set or pool queue) and
 * into the pool's call deadline lane at the same time.
 * @module
 */
import type { CallContext, RunOptions } from '../driver/contract.js';
import type { PoolKey } from '../errors.js';
import type { MailboxNode, Mailbox } from './mailbox.js';
import type { DeadlineLane, DeadlineNode } from './deadlines.js';
import { callSafely } from './abort.js';

/** Where a request is. @internal */
export const RequestState = {
  /** Not routed yet (or being routed again). */
  New: 0,
  /** In the pool-wide queue. */
  Pool: 1,
  /** In a worker's mailbox. */
  Mailbox: 2,
  /** Running on a worker's connection. */
  Running: 3,
  /** Finished, or removed from every queue. */
  Done: 4,
} as const;
/** @internal */
export type RequestStateValue = (typeof RequestState)[keyof typeof RequestState];

/** The function a call runs on a connection. @internal */
export type CallFn = (connection: never, ctx: CallContext) => unknown;

/** A worker as a request sees it. @internal */
export interface RequestOwner {
  readonly index: number;
  /** The generation of its current connection. */
  readonly gen: number;
  /** A call that ran on the connection of generation `gen` returned. */
  finish(req: Request, gen: number, failed: boolean, result: unknown): void;
}

/** What every request of one pool shares: the lane of sub-deadlines and the clock. @internal */
export interface RequestScope {
  readonly key: PoolKey;
  readonly timeouts: DeadlineLane<SubTimeout>;
  now(): number;
}

/** A sub-deadline armed with `ctx.armTimeout`. @internal */
export class SubTimeout implements DeadlineNode {
  deadline = 0;
  dprev: DeadlineNode | undefined = undefined;
  dnext: DeadlineNode | undefined = undefined;
  lane: DeadlineLane<DeadlineNode> | undefined = undefined;
  onTimeout: () => void = noop;

  /** Expiry handler of the sub-deadline lane. */
  static fire(this: void, node: SubTimeout): void {
    callSafely(node.onTimeout, undefined);
  }
}

/** What few calls need, kept off the request until one does (a call's signal, a sub-deadline, the caller's signal hook). @internal */
class RequestExtras {
  controller: AbortController | undefined = undefined;
  timeout: SubTimeout | undefined = undefined;
  /** Removes the listener on the caller's signal. */
  unhook: (() => void) | undefined = undefined;
  retried = false;
  /** Someone listened to `call` events when the call was made: it is timed and reported. */
  timed = false;
  /** When it started running (the pool's exact clock), for timed calls; 0 = not started. */
  runAt = 0;
  /** A pool-internal request (a ping) started running on the connection. */
  ran = false;
}

/** The reason of the first abort. */
class Aborted {
  constructor(readonly reason: unknown) {}
}

/**
 * One call. Every call allocates one of these, so it holds only what every call uses; the rest
 * lives in {@link RequestExtras}, made on first use.
 * @internal
 */
export class Request implements MailboxNode, DeadlineNode, CallContext {
  prev: MailboxNode | undefined = undefined;
  next: MailboxNode | undefined = undefined;
  list: Mailbox<MailboxNode> | undefined = undefined;
  /** Deadline lane links. */
  dprev: DeadlineNode | undefined = undefined;
  dnext: DeadlineNode | undefined = undefined;
  lane: DeadlineLane<DeadlineNode> | undefined = undefined;

  state: RequestStateValue = RequestState.New;
  /** The caller has its result (or error); a later result is dropped. */
  settled = false;
  worker: RequestOwner | undefined = undefined;
  resolve: (value: unknown) => void = noop;
  reject: (error: unknown) => void = noop;
  /** The abort listener (see `onAbort`), or the first abort's reason once aborted. */
  #abort: ((reason: unknown) => void) | Aborted | undefined = undefined;
  #extras: RequestExtras | undefined = undefined;

  constructor(
    readonly scope: RequestScope,
    readonly fn: CallFn,
    /** When the call started, for the latency stats; `undefined` when its latency is not sampled (see `Pool.run`). */
    readonly startedAt: number | undefined,
    /** The `call_timeout` deadline on the pool's clock (whole milliseconds keep it a small integer). */
    public deadline: number,
    /** The caller's routing options (`hashKey`, `pick`, `retryOnLost`), kept as given: one slot instead of three. */
    readonly options: RunOptions | undefined,
    /** A pool-internal request (keepalive, health): not counted in stats. */
    readonly internal: boolean,
    /** The call's function finishes it with `ctx.done`/`ctx.fail` (`PoolHandle.runCallback`); its return value is ignored. */
    readonly byCallback = false,
  ) {}

  get key(): PoolKey {
    return this.scope.key;
  }

  /**
   * See `CompletionContext.done`: the function of a `runCallback` call succeeded. Only the first
   * `done`/`fail` of a run counts; once the call was retried on another connection
   * (`retryOnLost`), this context belongs to the lost run and is ignored (see {@link RetriedRun}).
   * A running request that was not retried runs on its worker's current connection (a lost
   * connection ends or retries every request running on it), hence `worker.gen`.
   */
  done(value?: unknown): void {
    this.#end(false, value);
  }

  /** See `CompletionContext.fail`: the function of a `runCallback` call failed (the driver's `mapError` applies). */
  fail(error: unknown): void {
    this.#end(true, error);
  }

  #end(failed: boolean, result: unknown): void {
    const worker = this.worker;
    if (worker !== undefined && this.state === RequestState.Running && this.#extras?.retried !== true)
      endRun(worker, this, worker.gen, failed, result);
  }

  /** The context a `runCallback` function gets for this run (on its worker): the request itself, or a {@link RetriedRun} on its retry. */
  runContext(): Request | RetriedRun {
    const worker = this.worker;
    return worker !== undefined && this.#extras?.retried === true ? new RetriedRun(this, worker, worker.gen) : this;
  }

  /** The rarely used parts, made on first use. */
  get extras(): RequestExtras {
    return (this.#extras ??= new RequestExtras());
  }

  /** The call is timed for `call` events (see {@link RequestExtras.timed}). */
  get timed(): boolean {
    return this.#extras?.timed === true;
  }

  /** Removes the listener on the caller's signal, if one was added. */
  unhook(): void {
    const unhook = this.#extras?.unhook;
    if (unhook !== undefined) unhook();
  }

  /** Aborted on `call_timeout`, the caller's signal, a lost connection or a forced stop. */
  get signal(): AbortSignal {
    const extras = this.extras;
    if (extras.controller === undefined) {
      extras.controller = new AbortController();
      const abort = this.#abort;
      if (abort instanceof Aborted) extras.controller.abort(abort.reason); // read after the abort
    }
    return extras.controller.signal;
  }

  /** Abort the call: `ctx.signal` (if anyone has read it) and the `onAbort` listener. The first abort wins. */
  abort(reason: unknown): void {
    const listener = this.#abort;
    if (listener instanceof Aborted) return;
    this.#abort = new Aborted(reason);
    this.#extras?.controller?.abort(reason);
    if (listener !== undefined) callSafely(listener, reason);
  }

  /** One abort listener without an `AbortController` (see `CallContext.onAbort`); called at once if already aborted. */
  onAbort(listener: (reason: unknown) => void): void {
    const abort = this.#abort;
    if (abort instanceof Aborted) callSafely(listener, abort.reason);
    else this.#abort = listener;
  }

  /** See `CallContext.armTimeout`: a node in the pool's sub-deadline lane. */
  armTimeout(ms: number, onTimeout: () => void): void {
    const lane = this.scope.timeouts;
    const extras = this.extras;
    let timeout = extras.timeout;
    if (timeout === undefined) timeout = extras.timeout = new SubTimeout();
    else lane.remove(timeout);
    timeout.onTimeout = onTimeout;
    timeout.deadline = this.scope.now() + Math.max(0, ms);
    lane.push(timeout);
  }

  disarmTimeout(): void {
    const timeout = this.#extras?.timeout;
    if (timeout !== undefined && timeout.lane !== undefined) this.scope.timeouts.remove(timeout);
  }
}

/**
 * The context of the second run of a `runCallback` call (retried after its connection was lost):
 * its own `done`/`fail`, so that a late callback of the lost connection (many client libraries
 * fail pending callbacks when their socket closes) cannot finish the new run.
 * @internal
 */
export class RetriedRun implements CallContext {
  constructor(
    readonly req: Request,
    readonly worker: RequestOwner,
    readonly gen: number,
  ) {}

  get key(): PoolKey {
    return this.req.key;
  }

  get signal(): AbortSignal {
    return this.req.signal;
  }

  onAbort(listener: (reason: unknown) => void): void {
    this.req.onAbort(listener);
  }

  armTimeout(ms: number, onTimeout: () => void): void {
    this.req.armTimeout(ms, onTimeout);
  }

  disarmTimeout(): void {
    this.req.disarmTimeout();
  }

  done(value?: unknown): void {
    this.#end(false, value);
  }

  fail(error: unknown): void {
    this.#end(true, error);
  }

  #end(failed: boolean, result: unknown): void {
    const req = this.req;
    if (req.state === RequestState.Running && req.worker === this.worker)
      endRun(this.worker, req, this.gen, failed, result);
  }
}

/** A `runCallback` run of `req` on the connection of generation `gen` ended with `done` (or `fail`, mapped by `mapError`). */
function endRun(worker: RequestOwner, req: Request, gen: number, failed: boolean, result: unknown): void {
  worker.finish(req, gen, failed, failed ? mapFailure(req, result) : result);
}

/** A failed call's error as its `mapError` (if any) maps it; a mapper that throws gives the thrown value (the call must still settle). @internal */
export function mapFailure(req: Request, error: unknown): unknown {
  const mapError = req.options?.mapError;
  if (mapError === undefined) return error;
  try {
    return mapError(error);
  } catch (thrown) {
    return thrown;
  }
}

function noop(): void {}
