/**
 * Abort plumbing shared by the engine and the drivers.
 * @module
 */

/**
 * Settle like `work`, or reject with `signal.reason` as soon as `signal` aborts (at once when it
 * already has). The work itself is not cancelled: its late outcome is ignored. The abort listener
 * is removed when `work` settles first, so a long-lived signal collects no listeners.
 * @example
 * ```ts
 * import { raceAbort } from '@outpools/core';
 *
 * const rows = await raceAbort(runQuery(), AbortSignal.timeout(1000));
 * ```
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
