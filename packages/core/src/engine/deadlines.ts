/**
 * The pool's deadline sweep: every unsettled request is in one list ordered by deadline, and a
 * single timer is armed for the earliest one. A call costs a list append and an unlink, never a
 * `setTimeout`. Since every call of a pool has the same `call_timeout`, appends are almost
 * always at the tail (O(1)); an out-of-order deadline walks back from the tail.
 * @module
 */
import type { Request } from './request.js';

/** A monotonic clock in milliseconds. */
export type Clock = () => number;

/** The default clock. */
export const monotonicNow: Clock = () => performance.now();

/** @internal */
export class DeadlineList {
  #head: Request | undefined = undefined;
  #tail: Request | undefined = undefined;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #armedFor = Infinity;
  length = 0;

  constructor(
    private readonly now: Clock,
    private readonly onExpire: (request: Request) => void,
  ) {}

  /** The earliest unsettled request. */
  peek(): Request | undefined {
    return this.#head;
  }

  push(req: Request): void {
    req.inDeadlines = true;
    let after = this.#tail;
    while (after && after.deadline > req.deadline) after = after.dprev;
    req.dprev = after;
    req.dnext = after ? after.dnext : this.#head;
    if (req.dnext) req.dnext.dprev = req;
    else this.#tail = req;
    if (after) after.dnext = req;
    else this.#head = req;
    this.length++;
    if (req.deadline < this.#armedFor) this.#arm(req.deadline);
  }

  remove(req: Request): void {
    if (!req.inDeadlines) return;
    req.inDeadlines = false;
    const { dprev, dnext } = req;
    if (dprev) dprev.dnext = dnext;
    else this.#head = dnext;
    if (dnext) dnext.dprev = dprev;
    else this.#tail = dprev;
    req.dprev = req.dnext = undefined;
    this.length--;
  }

  /** Cancel the timer (the list itself is kept). */
  clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedFor = Infinity;
  }

  #arm(at: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#armedFor = at;
    this.#timer = setTimeout(this.#sweep, Math.max(1, Math.ceil(at - this.now())));
  }

  readonly #sweep = (): void => {
    this.#timer = undefined;
    this.#armedFor = Infinity;
    const now = this.now();
    for (let req = this.#head; req && req.deadline <= now; req = this.#head) {
      this.remove(req);
      this.onExpire(req);
    }
    if (this.#head && !this.#timer) this.#arm(this.#head.deadline);
  };
}

/**
 * A cheap clock for the call path: reading a real clock costs hundreds of nanoseconds on some
 * machines, so calls read a cached value. The cache is refreshed every `maxUses` reads and
 * once per event-loop turn (a single `setImmediate` marks it stale), so it lags the real clock
 * by at most the current turn's length. A deadline computed from it can only be early by that
 * lag, never late.
 * @internal
 */
export class CoarseClock {
  #value = 0;
  #uses = 0;
  #valid = false;

  constructor(
    private readonly source: Clock,
    private readonly maxUses = 32,
  ) {}

  now(): number {
    if (this.#valid && ++this.#uses < this.maxUses) return this.#value;
    return this.refresh();
  }

  refresh(): number {
    this.#uses = 0;
    this.#value = this.source();
    if (!this.#valid) {
      this.#valid = true;
      const immediate = setImmediate(this.#invalidate);
      immediate.unref?.();
    }
    return this.#value;
  }

  readonly #invalidate = (): void => {
    this.#valid = false;
  };
}
