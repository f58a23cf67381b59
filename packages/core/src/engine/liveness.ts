/**
 * The dead-connection policy of one worker (docs/lifecycle.md, "Dead connections"). A connection
 * can look alive and answer nothing: the peer vanished without a FIN or RST (a half-open TCP
 * connection), and the kernel notices only after many minutes. A driver cannot always tell; the
 * core can, from what it already sees on the failure path:
 *
 * - a call running on the worker was abandoned at `call_timeout`: suspect at once;
 * - `suspectAfterTimeouts` calls routed to it timed out (in its mailbox, or with a driver's own
 *   `*_TIMEOUT` error) since it was last cleared: suspect;
 * - at a keepalive tick, the same call has been the oldest running one for a whole interval, and
 *   the driver's `concurrency` leaves room for a ping beside it: suspect (keepalive pings only
 *   idle workers, so a busy one needs this; a full one-at-a-time connection is left to its
 *   call's `call_timeout`, since a call still within it is no evidence);
 * - a health ping that ran on the connection and failed: lost at once; one that timed out
 *   waiting in the mailbox: suspect.
 *
 * A suspect worker is probed with the driver's `ping`, bounded by `probeTimeoutMs` from the
 * moment of suspicion. It runs beside the running calls when the driver's `concurrency` leaves
 * room (not behind the queued ones); otherwise it waits for the next free slot, ahead of the
 * mailbox, so a call stuck for the whole probe bound is itself the evidence. A probe that
 * answers clears the worker; one that fails or runs out declares the connection lost (closed
 * and reconnected with backoff, like a driver's `ctx.lost`).
 *
 * A worker its server has blocked (flow control: the server stopped reading on purpose) is never
 * suspected: its calls time out because the server said so.
 *
 * Nothing here runs on the path of a successful call.
 * @module
 */
import { CallTimeoutError, ConnectionLostError, OutpoolsError, messageOf } from '../errors.js';
import type { Request } from './request.js';
import type { WorkerHost } from './worker-host.js';

/** What the policy reads and does on its worker. @internal */
export interface ProbedWorker {
  readonly gen: number;
  readonly connected: boolean;
  /** The server asked the connection to hold back: its silence is explained, not a sign of death. */
  readonly blocked: boolean;
  readonly running: number;
  /** Set while a probe waits for a free slot: the worker then runs it before anything queued. */
  probePending: boolean;
  /** The oldest call running on the connection. */
  oldestRunning(): Request | undefined;
  /** Run a request on the connection now, beside the running ones. */
  runNow(req: Request): void;
  lost(gen: number, error: unknown): void;
}

/** A driver's own timeout (`OUTPOOLS_RDBMS_QUERY_TIMEOUT`, `OUTPOOLS_HTTP_TIMEOUT`...): a coded error ending in `_TIMEOUT`. @internal */
export function isTimeoutError(error: unknown): boolean {
  return error instanceof OutpoolsError && typeof error.code === 'string' && error.code.endsWith('_TIMEOUT');
}

/** One worker's suspicion and probe. @internal */
export class Liveness {
  /** Timed-out calls since the worker connected or was last cleared by a probe. */
  #timeouts = 0;
  /** The probe in flight, or waiting for a slot. */
  #probe: Request | undefined = undefined;
  /** The oldest running call at the previous keepalive tick, and the connection it ran on. */
  #seen: Request | undefined = undefined;
  #seenGen = 0;
  /** A probe about to start (deferred out of the deadline sweep or the call's completion). */
  #soon = false;

  constructor(
    private readonly worker: ProbedWorker,
    private readonly host: WorkerHost,
  ) {}

  /** A call routed to the worker ran out of `call_timeout`: `running` when it was abandoned on the connection. */
  callTimedOut(running: boolean): void {
    if (running) this.suspect('a running call was abandoned at call_timeout');
    else this.timedOut();
  }

  /** A call routed to the worker timed out without being abandoned on it. */
  timedOut(): void {
    if (this.worker.blocked) return;
    const threshold = this.host.settings.liveness.suspectAfterTimeouts;
    if (++this.#timeouts >= threshold) this.suspect(`${this.#timeouts} calls timed out`);
  }

  /** A keepalive tick found the worker busy. */
  busy(): void {
    const oldest = this.worker.oldestRunning();
    if (oldest !== undefined && oldest === this.#seen && this.worker.gen === this.#seenGen) {
      this.#seen = undefined;
      // Only beside the running calls: a call still within its call_timeout is no evidence, and
      // a probe waiting for its slot would give up on a slow but healthy statement.
      if (this.worker.running < this.host.settings.concurrency) {
        this.suspect('a call has run for a whole keepalive interval');
      }
      return;
    }
    this.#seen = oldest;
    this.#seenGen = this.worker.gen;
  }

  /** A health ping failed: `ran` when it ran on the connection (lost), else it timed out queued (suspect). */
  healthFailed(gen: number, ran: boolean, error: unknown): void {
    if (this.host.stopping || gen !== this.worker.gen) return;
    if (ran) this.worker.lost(gen, error);
    else this.suspect('a health ping timed out in the mailbox');
  }

  /**
   * Probe the worker's connection (once at a time). The probe starts, and a failed one's verdict
   * lands, in a microtask: suspicion arises inside the deadline sweep, which settles every due
   * call first.
   */
  suspect(reason: string): void {
    const worker = this.worker;
    if (!worker.connected || worker.blocked || this.#probe !== undefined || this.#soon || this.host.stopping) return;
    const gen = worker.gen;
    this.#soon = true;
    queueMicrotask(() => {
      this.#soon = false;
      if (gen === worker.gen) this.#start(reason);
    });
  }

  #start(reason: string): void {
    const worker = this.worker;
    if (!worker.connected || this.#probe !== undefined || this.host.stopping) return;
    const gen = worker.gen;
    const { driver, liveness, key, concurrency } = this.host.settings;
    const ms = liveness.probeTimeoutMs;
    const req = this.host.internalRequest((c, ctx) => driver.ping(c, ctx), ms);
    this.#probe = req;
    req.resolve = () => {
      if (this.#probe !== req) return;
      this.#probe = undefined;
      this.#timeouts = 0;
    };
    req.reject = (error: unknown) => {
      if (this.#probe === req) this.#probe = undefined;
      if (this.host.stopping || gen !== worker.gen) return;
      const what =
        error instanceof CallTimeoutError
          ? `no answer to a liveness probe within ${ms} ms`
          : `liveness probe failed: ${messageOf(error)}`;
      const lost = new ConnectionLostError(`${what} (${reason})`, key, { cause: error });
      queueMicrotask(() => {
        if (!this.host.stopping) worker.lost(gen, lost);
      });
    };
    if (worker.running < concurrency) worker.runNow(req);
    else worker.probePending = true;
  }

  /** A slot freed while the probe waits: run it now, ahead of the mailbox. */
  runPending(): void {
    this.worker.probePending = false;
    const req = this.#probe;
    if (req !== undefined && !req.settled) this.worker.runNow(req);
  }

  /** The connection changed (connected, or lost): forget everything about the old one. */
  reset(): void {
    this.#soon = false;
    this.#timeouts = 0;
    this.#probe = undefined;
    this.#seen = undefined;
    this.#seenGen = 0;
    this.worker.probePending = false;
  }
}
