/**
 * Count which worker ran each call. The demo registers wrapped drivers: `connect` remembers the
 * worker index of each connection it opens, and the typed client's `pool.run` tallies the
 * worker of every connection a call runs on. The drivers' own code runs unchanged.
 * @module
 */
import { type AnyPoolDriver, formatPoolKey, type PoolHandle, type PoolKey } from '@outpools/core';

/** Calls per worker index, per pool instance (`type.tag@host`). */
export class WorkerTally {
  readonly #workerOf = new WeakMap<object, number>();
  readonly #counts = new Map<string, number[]>();

  /** Calls each worker of a pool ran, by worker index. */
  counts(key: PoolKey): readonly number[] {
    return this.#counts.get(formatPoolKey(key)) ?? [];
  }

  #remember(connection: unknown, index: number): void {
    if (typeof connection === 'object' && connection !== null) this.#workerOf.set(connection, index);
  }

  #count(key: PoolKey, connection: unknown): void {
    const index = typeof connection === 'object' && connection !== null ? this.#workerOf.get(connection) : undefined;
    if (index === undefined) return;
    const id = formatPoolKey(key);
    let counts = this.#counts.get(id);
    if (counts === undefined) {
      counts = [];
      this.#counts.set(id, counts);
    }
    counts[index] = (counts[index] ?? 0) + 1;
  }

  /** The same driver, with its connections and calls counted here. */
  wrap(driver: AnyPoolDriver): AnyPoolDriver {
    const handle = (pool: PoolHandle<unknown>): PoolHandle<unknown> => ({
      key: pool.key,
      run: (fn, options) =>
        pool.run((connection, ctx) => {
          this.#count(pool.key, connection);
          return fn(connection, ctx);
        }, options),
      runCallback: (fn, options) =>
        pool.runCallback((connection, ctx) => {
          this.#count(pool.key, connection);
          fn(connection, ctx);
        }, options),
    });
    return {
      ...driver,
      connect: async (options, ctx) => {
        const connection = await driver.connect(options, ctx);
        this.#remember(connection, ctx.workerIndex);
        return connection;
      },
      client: (pool, options) => driver.client(handle(pool), options),
    };
  }
}
