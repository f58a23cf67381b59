/**
 * One pool instance, as users and drivers see it: `run()` (the {@link PoolHandle} a driver's
 * client is built on), `stats()`, `health()`. Pools are created by `createPools()`.
 * @module
 */
import type { CallContext, PoolHandle, RunOptions } from '../driver/contract.js';
import type { PoolKey } from '../errors.js';
import type { PoolStats } from './stats.js';
import { PoolCore, type InstanceReport, type PoolCoreInit } from './pool-core.js';
import { checkHealth, type HealthReport } from './health.js';

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
  readonly #core: PoolCore;

  /** @internal Use `createPools()`. */
  constructor(init: PoolCoreInit) {
    this.#core = new PoolCore(init);
  }

  /** This instance's key. */
  get key(): PoolKey {
    return this.#core.key;
  }

  /**
   * Run `fn` on one worker's connection, chosen by the pool's strategy (or `hashKey`/`pick`).
   * Rejects with `CallTimeoutError` when `call_timeout` runs out (waiting included),
   * `NoWorkersError`/`NoAvailableWorkersError` when nothing can take it, `ConnectionLostError`
   * when the connection breaks under it, `RequestDroppedError`, or `PoolStoppedError`.
   */
  run<R>(fn: (connection: TConnection, ctx: CallContext) => Promise<R> | R, options?: RunOptions): Promise<R> {
    return this.#core.run(fn as (connection: never, ctx: CallContext) => Promise<R> | R, options);
  }

  /** Connect every worker; resolves after each worker's first attempt (never rejects). */
  start(): Promise<InstanceReport> {
    return this.#core.start();
  }

  /** Live workers now, and the last connect error when none is live. */
  report(): InstanceReport {
    return this.#core.report();
  }

  /** Stop taking calls, let running and queued ones finish up to `drainTimeoutMs`, close everything. */
  stop(drainTimeoutMs = 5000): Promise<void> {
    return this.#core.stop(drainTimeoutMs);
  }

  /** Ping every live worker with the driver's cheapest round trip. */
  health(): Promise<HealthReport> {
    return checkHealth(this.#core);
  }

  /** Counters, worker load, queue length and latency summary. */
  stats(): PoolStats {
    return this.#core.stats();
  }
}
