// A reference for the dispatch benchmark, not a product: the least a pool can do per call and
// still keep the guarantees outpools keeps on its hot path, written as one small module with no
// generality (one concurrency, no options, no signal, no retry, no reconnect, no events):
//
// - the caller gets its own promise, so a call can fail at its deadline before its connection
//   answers (the one-promise ceiling);
// - every call has a deadline in one ordered list with one timer for the earliest (a call past it
//   fails with a timeout; its worker stays taken until the connection answers, and that late
//   answer is dropped);
// - the least loaded worker is picked from a random start (the first idle one ends the scan); a
//   busy pick waits in that worker's queue;
// - each worker records the call it runs (what a lost connection would fail), the first
//   `done`/`fail` of a call wins, and counters plus a sampled latency keep the stats.
//
// Its throughput over the floor is the realistic ceiling of `vs_floor` for any complete pool;
// outpools over it is the cost of the engine's generality (bench/README.md).

/** A call in flight: the context `fn` gets (`done`/`fail`), a deadline list node and a queue entry. */
class Call {
  prev = undefined;
  next = undefined;
  inLane = false;
  worker = undefined;
  settled = false;
  resolve = undefined;
  reject = undefined;

  constructor(pool, fn, deadline, startedAt) {
    this.pool = pool;
    this.fn = fn;
    this.deadline = deadline;
    this.startedAt = startedAt;
  }

  done(value) {
    const worker = this.worker;
    if (worker !== undefined && worker.current === this) worker.finish(this, false, value);
  }

  fail(error) {
    const worker = this.worker;
    if (worker !== undefined && worker.current === this) worker.finish(this, true, error);
  }
}

/** One connection, one call at a time. */
class MinimalWorker {
  load = 0;
  current = undefined;
  queue = [];
  head = 0;

  constructor(pool, connection) {
    this.pool = pool;
    this.connection = connection;
  }

  submit(call) {
    call.worker = this;
    this.load++;
    if (this.current === undefined) this.#start(call);
    else this.queue.push(call);
  }

  #start(call) {
    this.current = call;
    try {
      call.fn(this.connection, call);
    } catch (error) {
      call.fail(error);
    }
  }

  finish(call, failed, result) {
    this.current = undefined;
    this.load--;
    this.pool.settle(call, failed, result);
    while (this.current === undefined && this.head < this.queue.length) {
      const next = this.queue[this.head];
      this.queue[this.head++] = undefined;
      if (this.head === this.queue.length) this.queue.length = this.head = 0;
      if (!next.settled) this.#start(next);
      else this.load--;
    }
  }
}

let capturing;
const captureSettlers = (resolve, reject) => {
  capturing.resolve = resolve;
  capturing.reject = reject;
};

/** `runCallback(fn)` over `connections`: `fn(connection, call)` ends the call with `call.done(value)` or `call.fail(error)`. */
export class MinimalPool {
  calls = 0;
  successes = 0;
  failures = 0;
  latencyMs = 0;
  #seed = (Math.random() * 0x7fffffff) | 1;
  #now = 0;
  #uses = 0;
  /** The coarse clock's value may be used until the event loop turns (as outpools' clock). */
  #valid = false;
  #first = undefined;
  #last = undefined;
  #armedFor = Infinity;
  #timer = undefined;

  constructor(connections, callTimeoutMs) {
    this.workers = connections.map((connection) => new MinimalWorker(this, connection));
    this.callTimeoutMs = callTimeoutMs;
  }

  runCallback(fn) {
    const calls = ++this.calls;
    const sampled = (calls & 31) === 0;
    const now = sampled ? this.#refresh() : this.#coarseNow();
    const call = new Call(this, fn, now + this.callTimeoutMs, sampled ? now : undefined);
    capturing = call;
    const promise = new Promise(captureSettlers);
    this.#track(call);
    this.#pick().submit(call);
    return promise;
  }

  /** Give the caller its result, once. */
  settle(call, failed, result) {
    if (call.settled) return;
    call.settled = true;
    this.#untrack(call);
    if (call.startedAt !== undefined) this.latencyMs += performance.now() - call.startedAt;
    if (failed) {
      this.failures++;
      call.reject(result);
    } else {
      this.successes++;
      call.resolve(result);
    }
  }

  /** Close the deadline timer. */
  close() {
    clearTimeout(this.#timer);
  }

  #pick() {
    const workers = this.workers;
    const n = workers.length;
    let x = this.#seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#seed = x;
    let j = (x >>> 1) % n;
    let best = workers[j];
    for (let i = 0; i < n; i++, j = j + 1 === n ? 0 : j + 1) {
      const worker = workers[j];
      if (worker.load === 0) return worker;
      if (worker.load < best.load) best = worker;
    }
    return best;
  }

  #refresh() {
    this.#uses = 0;
    this.#now = performance.now();
    if (!this.#valid) {
      this.#valid = true;
      setImmediate(() => {
        this.#valid = false;
      }).unref();
    }
    return this.#now;
  }

  #coarseNow() {
    return this.#valid && ++this.#uses < 32 ? this.#now : this.#refresh();
  }

  /** Append to the deadline list (calls of one pool share one timeout: almost always at the tail). */
  #track(call) {
    let after = this.#last;
    while (after !== undefined && after.deadline > call.deadline) after = after.prev;
    call.prev = after;
    call.next = after === undefined ? this.#first : after.next;
    if (call.next !== undefined) call.next.prev = call;
    else this.#last = call;
    if (after !== undefined) after.next = call;
    else this.#first = call;
    call.inLane = true;
    if (call.deadline < this.#armedFor) this.#arm(call.deadline);
  }

  #untrack(call) {
    if (!call.inLane) return;
    call.inLane = false;
    const { prev, next } = call;
    if (prev !== undefined) prev.next = next;
    else this.#first = next;
    if (next !== undefined) next.prev = prev;
    else this.#last = prev;
    call.prev = call.next = undefined;
  }

  #arm(deadline) {
    clearTimeout(this.#timer);
    this.#armedFor = deadline;
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, deadline - performance.now()));
    this.#timer.unref();
  }

  #expire() {
    this.#armedFor = Infinity;
    const now = this.#refresh();
    for (let call = this.#first; call !== undefined && call.deadline <= now; call = this.#first) {
      this.settle(call, true, new Error(`call timeout after ${this.callTimeoutMs} ms`));
    }
    if (this.#first !== undefined) this.#arm(this.#first.deadline);
  }
}
