/**
 * `noopDriver`: connect, ping and calls resolve at once. The in-process driver of the dispatch
 * benchmark, and the cheapest way to exercise the engine.
 * @module
 */
import { defineDriver, Type, type PoolHandle } from '@outpools/core/driver';

/** A no-op connection: just its worker index. */
export interface NoopConnection {
  readonly workerIndex: number;
}

/** The typed client of {@link noopDriver}. */
export interface NoopClient {
  /** One round trip through the pool; resolves with the worker index that ran it. */
  call(): Promise<number>;
  /** The pool handle, for `run()` with any function. */
  readonly pool: PoolHandle<NoopConnection>;
}

const workerOf = (connection: NoopConnection): number => connection.workerIndex;

/**
 * A pool type whose every operation succeeds at once (type `"noop"`; the only connection option
 * is an optional `label`).
 *
 * @example
 * ```ts
 * const registry = new DriverRegistry([noopDriver]);
 * const client = pools.get(noopDriver, 'global', 'default');
 * await client.call(); // the index of the worker that ran it
 * ```
 */
export const noopDriver = defineDriver({
  type: 'noop',
  packageName: '@outpools/testing',
  // One optional key: an empty schema's static type (`object`) does not fit DriverRegistry's driver type.
  connectionSchema: Type.Object({ label: Type.Optional(Type.String()) }, { additionalProperties: false }),
  concurrency: () => 1,
  connect: (_options, ctx): Promise<NoopConnection> => Promise.resolve({ workerIndex: ctx.workerIndex }),
  close: () => Promise.resolve(),
  ping: () => Promise.resolve(true),
  client: (pool): NoopClient => ({ call: () => pool.run(workerOf), pool }),
});
