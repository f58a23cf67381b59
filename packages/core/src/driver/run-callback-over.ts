/**
 * `runCallback` for a hand-made {@link PoolHandle}: a driver's test double over one connection
 * implements `run()`, and gets `runCallback()` from it.
 * @module
 */
import type { CallContext, CompletionContext, PoolHandle } from './contract.js';

/**
 * A `runCallback` built on `run`: each call runs through `run` as a promise that `ctx.done`
 * resolves and `ctx.fail` rejects (so `run`'s deadline and `mapError` apply).
 *
 * @example
 * ```ts
 * import { callContext, runCallbackOver, type PoolHandle } from '@outpools/core/driver';
 *
 * const run: PoolHandle<MyConnection>['run'] = (fn) => Promise.resolve().then(() => fn(connection, callContext()));
 * const handle: PoolHandle<MyConnection> = { key, run, runCallback: runCallbackOver(run) };
 * ```
 */
export function runCallbackOver<TConnection>(
  run: PoolHandle<TConnection>['run'],
): PoolHandle<TConnection>['runCallback'] {
  return <R>(fn: (connection: TConnection, ctx: CompletionContext<R>) => void, options?: Parameters<typeof run>[1]) =>
    run<R>(
      (connection, ctx) =>
        new Promise<R>((done, fail) => {
          fn(connection, completion(ctx, done, fail));
        }),
      options,
    );
}

/** `ctx` with `done` and `fail` (delegating, so that its getters keep their own receiver). */
function completion<R>(
  ctx: CallContext,
  done: (value: R) => void,
  fail: (error: unknown) => void,
): CompletionContext<R> {
  return {
    key: ctx.key,
    get signal() {
      return ctx.signal;
    },
    onAbort: (listener) => ctx.onAbort(listener),
    armTimeout: (ms, onTimeout) => ctx.armTimeout(ms, onTimeout),
    disarmTimeout: () => ctx.disarmTimeout(),
    done,
    fail,
  };
}
