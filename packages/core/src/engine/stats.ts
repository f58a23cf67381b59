/**
 * Per-instance counters and a cheap latency summary (docs/lifecycle.md, Stats and events). The latency recorder is a
 * log-linear bucket array (8 sub-buckets per power of two of microseconds, about 12% error):
 * O(1) to record, no allocation.
 * @module
 */
import type { PoolKey } from '../errors.js';

/** Call counters of one pool instance. */
export interface PoolCounters {
  /** Calls made (including ones that failed at once). */
  readonly calls: number;
  readonly successes: number;
  /** Calls that failed for any reason, timeouts and drops included. */
  readonly failures: number;
  readonly timeouts: number;
  readonly drops: number;
  /** Successful reconnects of a worker after its connection broke or its first attempt failed. */
  readonly reconnects: number;
}

/**
 * Latency of settled calls (from the call to its result), in milliseconds. Sampled to keep clock
 * reads off the call path: every call of the first 256, then one call in 32; `count` is the
 * number of samples.
 */
export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** A snapshot of one pool instance (docs/lifecycle.md, Stats and events). */
export interface PoolStats {
  readonly key: PoolKey;
  /** Live workers, configured workers, and the live workers running at least one call. */
  readonly workers: { readonly live: number; readonly total: number; readonly busy: number };
  /** Load (running + queued requests) of each worker, by index. */
  readonly load: readonly number[];
  /** Requests waiting in the pool-wide queue (available_worker, or for any worker to come back). */
  readonly queue: number;
  /** Requests not started yet: the pool-wide queue plus every worker's mailbox. */
  readonly pending: number;
  readonly counters: PoolCounters;
  readonly latency: LatencySummary;
}

const SUB_BITS = 3;
const SUB = 1 << SUB_BITS;
const LINEAR = 2 * SUB; // values below this (µs) get one bucket each
const BUCKETS = LINEAR + (32 - (SUB_BITS + 1)) * SUB;

function bucketOf(us: number): number {
  if (us < LINEAR) return us;
  const exp = 31 - Math.clz32(us);
  return LINEAR + (exp - SUB_BITS - 1) * SUB + ((us >>> (exp - SUB_BITS)) & (SUB - 1));
}

function upperOf(bucket: number): number {
  if (bucket < LINEAR) return bucket;
  const exp = Math.floor((bucket - LINEAR) / SUB) + SUB_BITS + 1;
  const sub = (bucket - LINEAR) % SUB;
  return ((SUB + sub + 1) << (exp - SUB_BITS)) - 1;
}

/** A fixed-size latency histogram. */
export class LatencyRecorder {
  readonly #buckets = new Uint32Array(BUCKETS);
  #count = 0;
  #maxUs = 0;

  /** Record one duration in milliseconds. */
  record(ms: number): void {
    let us = Math.round(ms * 1000);
    if (!(us > 0)) us = 0;
    else if (us > 0x7fffffff) us = 0x7fffffff;
    this.#buckets[bucketOf(us)]!++;
    this.#count++;
    if (us > this.#maxUs) this.#maxUs = us;
  }

  /** The value (ms) at quantile `q` in [0, 1], as the upper bound of its bucket (capped at the max). */
  quantile(q: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.#buckets[i]!;
      if (seen >= rank) return Math.min(upperOf(i), this.#maxUs) / 1000;
    }
    return this.#maxUs / 1000;
  }

  /** p50, p99 and max. */
  summary(): LatencySummary {
    return { count: this.#count, p50Ms: this.quantile(0.5), p99Ms: this.quantile(0.99), maxMs: this.#maxUs / 1000 };
  }
}

/** Mutable counters kept by a pool. @internal */
export class Counters implements PoolCounters {
  calls = 0;
  successes = 0;
  failures = 0;
  timeouts = 0;
  drops = 0;
  reconnects = 0;

  /** A frozen copy. */
  snapshot(): PoolCounters {
    const { calls, successes, failures, timeouts, drops, reconnects } = this;
    return { calls, successes, failures, timeouts, drops, reconnects };
  }
}
