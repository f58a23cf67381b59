/**
 * The pool's one deadline service: every pending deadline of a pool (each call's `call_timeout`,
 * each sub-deadline a driver arms with `ctx.armTimeout`) sits in a lane ordered by deadline, and a
 * single timer is armed for the earliest of all. A deadline costs a list append and an unlink,
 * never a `setTimeout`. Since the deadlines of one lane mostly share one duration, appends are
 * almost always at the tail (O(1)); an out-of-order deadline walks back from the tail.
 * @module
 */

/** A monotonic clock in milliseconds. */
export type Clock = () => number;

/** The default clock. */
export const monotonicNow: Clock = () => performance.now();

/** A member of one {@link DeadlineLane} (the links live on the member itself). @internal */
export interface DeadlineNode {
  deadline: number;
  dprev: DeadlineNode | undefined;
  dnext: DeadlineNode | undefined;
  /** The lane the node is in, `undefined` when in none. */
  lane: DeadlineLane<DeadlineNode> | undefined;
}

/** One ordered list of deadlines with its expiry handler. @internal */
export class DeadlineLane<T extends DeadlineNode> {
  head: T | undefined = undefined;
  #tail: T | undefined = undefined;
  length = 0;

  constructor(
    private readonly service: Deadlines,
    readonly onExpire: (node: T) => void,
  ) {}

  /** The earliest node. */
  peek(): T | undefined {
    return this.head;
  }

  push(node: T): void {
    node.lane = this as unknown as DeadlineLane<DeadlineNode>;
    let after = this.#tail;
    while (after && after.deadline > node.deadline) after = after.dprev as T | undefined;
    node.dprev = after;
    node.dnext = after ? after.dnext : this.head;
    if (node.dnext) node.dnext.dprev = node;
    else this.#tail = node;
    if (after) after.dnext = node;
    else this.head = node;
    this.length++;
    const service = this.service;
    if (node.deadline < service.armedFor) service.due(node.deadline);
  }

  remove(node: T): void {
    if (node.lane !== (this as unknown as DeadlineLane<DeadlineNode>)) return;
    node.lane = undefined;
    const { dprev, dnext } = node;
    if (dprev) dprev.dnext = dnext;
    else this.head = dnext as T | undefined;
    if (dnext) dnext.dprev = dprev;
    else this.#tail = dprev as T | undefined;
    node.dprev = node.dnext = undefined;
    this.length--;
  }

  /** Remove and hand to `onExpire` every node due at `now`. */
  expire(now: number): void {
    for (let node = this.head; node && node.deadline <= now; node = this.head) {
      this.remove(node);
      this.onExpire(node);
    }
  }
}

/** One pool's deadlines: any number of lanes, one timer. @internal */
export class Deadlines {
  readonly #lanes: DeadlineLane<DeadlineNode>[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** The deadline the timer is armed for (Infinity: none). */
  armedFor = Infinity;
  #closed = false;

  constructor(readonly now: Clock) {}

  /** A new lane whose expired nodes go to `onExpire`. */
  lane<T extends DeadlineNode>(onExpire: (node: T) => void): DeadlineLane<T> {
    const lane = new DeadlineLane<T>(this, onExpire);
    this.#lanes.push(lane as unknown as DeadlineLane<DeadlineNode>);
    return lane;
  }

  /** A node with this deadline was added: arm the timer if it is the earliest. */
  due(at: number): void {
    if (at < this.armedFor && !this.#closed) this.#arm(at);
  }

  /** Cancel the timer for good (the lanes are kept; nothing expires any more). */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.armedFor = Infinity;
  }

  #arm(at: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.armedFor = at;
    this.#timer = setTimeout(this.#sweep, Math.max(1, Math.ceil(at - this.now())));
  }

  readonly #sweep = (): void => {
    this.#timer = undefined;
    this.armedFor = Infinity;
    const now = this.now();
    let next = Infinity;
    for (const lane of this.#lanes) {
      lane.expire(now);
      const head = lane.head;
      if (head && head.deadline < next) next = head.deadline;
    }
    if (next < this.armedFor && !this.#closed) this.#arm(next);
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
