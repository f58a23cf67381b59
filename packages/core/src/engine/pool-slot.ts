/**
 * The stable handle of one pool key across reloads: a typed client is built on it once, and
 * its calls go to whichever instance is current for the key (docs/lifecycle.md, Reloading).
 * @module
 */
import type { CallContext, CompletionContext, PoolHandle, RunOptions } from '../driver/contract.js';
import type { PoolKey } from '../errors.js';
import type { Pool } from './pool.js';

/** The handle a driver's client is built on: `run()` goes to the instance current for `key`. @internal */
export class PoolSlot implements PoolHandle<unknown> {
  readonly key: PoolKey;
  /** The instance calls go to now; a reload swaps it for the replacing instance. */
  current: Pool;

  constructor(pool: Pool) {
    this.key = pool.key;
    this.current = pool;
  }

  run<R>(fn: (connection: unknown, ctx: CallContext) => Promise<R> | R, options?: RunOptions): Promise<R> {
    return this.current.run(fn, options);
  }

  runCallback<R>(fn: (connection: unknown, ctx: CompletionContext<R>) => void, options?: RunOptions): Promise<R> {
    return this.current.runCallback(fn, options);
  }
}
