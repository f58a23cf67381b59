/**
 * A {@link CallContext} outside any pool, for a driver's own tests or a direct call on a
 * connection: the abort comes from an optional signal, and `armTimeout` uses one timer.
 * @module
 */
import type { CallContext } from '../driver/contract.js';
import type { PoolKey } from '../errors.js';
import { callSafely } from './abort.js';

/** Options of {@link callContext}. */
export interface StandaloneContextOptions {
  /** The key the context reports; default `standalone.default@global`. */
  readonly key?: PoolKey;
  /** Aborts the call. */
  readonly signal?: AbortSignal;
}

const STANDALONE_KEY: PoolKey = { type: 'standalone', host: 'global', tag: 'default' };
const NEVER = new AbortController().signal;

/**
 * A call context not bound to a pool.
 *
 * @example
 * ```ts
 * import { callContext } from '@outpools/core/driver';
 *
 * const ctx = callContext({ signal: AbortSignal.timeout(1000) });
 * await myDriver.ping(connection, ctx);
 * ```
 */
export function callContext(options: StandaloneContextOptions = {}): CallContext {
  const signal = options.signal ?? NEVER;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    key: options.key ?? STANDALONE_KEY,
    signal,
    onAbort(listener) {
      if (signal.aborted) callSafely(listener, signal.reason as unknown);
      else signal.addEventListener('abort', () => callSafely(listener, signal.reason as unknown), { once: true });
    },
    armTimeout(ms, onTimeout) {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        callSafely(onTimeout, undefined);
      }, ms);
    },
    disarmTimeout() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
