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
