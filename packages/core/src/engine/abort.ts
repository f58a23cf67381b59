/**
 * Abort plumbing shared by the engine and the drivers.
 * @module
 */

/**
 * Settle like `work`, or reject with `signal.reason` as soon as `signal` aborts (at once when it
 * already has). The work itself is not cancelled: a value it yields after the abort goes to
 * `late` (to be closed, say), its late error is ignored. The abort listener is removed when `work`
 * settles first, so a long-lived signal collects no listeners.
 * @example
 * ```ts
 * import { raceAbort } from '@outpools/core/driver';
 *
 * const rows = await raceAbort(runQuery(), AbortSignal.timeout(1000));
 * ```
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal, late?: (value: T) => void): Promise<T> {
  if (signal.aborted) {
    if (late) work.then(late, ignore);
    else work.then(undefined, ignore);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const onAbort = (): void => {
      done = true;
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (!done) resolve(value);
        else if (late) late(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (!done) reject(error);
      },
    );
  });
}

function ignore(): void {}

/** Call a driver's or caller's callback; what it throws must not break the engine (a sweep, a reconnect). @internal */
export function callSafely<A>(listener: (arg: A) => void, arg: A): void {
  try {
    listener(arg);
  } catch {
    /* swallowed: see above */
  }
}
