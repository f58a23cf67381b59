import type { AbortSource } from './types.js';

/**
 * Small helpers shared by the backends: bounded waits and abort plumbing.
 * @module
 */

/** Resolve after `ms` (unref'd: never keeps the process alive). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Wait for `promise` at most `ms`; resolves `false` when it took longer (the promise's own
 * outcome is then ignored). Never rejects.
 */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Run `work`, rejecting with `onTimeout()`'s error when it takes longer than `ms`; `onTimeout`
 * also gets the chance to cancel the work (its late outcome is ignored).
 */
export function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Call `listener` once when `call` aborts (at once if it already has): through the core's cheap
 * `onAbort` when the context has it, else through its `signal`. Returns a function that removes a
 * `signal` listener (an `onAbort` listener needs no removal: it dies with its call).
 */
export function onCallAbort(call: AbortSource, listener: (reason: unknown) => void): (() => void) | undefined {
  if (typeof call.onAbort === 'function') {
    call.onAbort(listener);
    return undefined;
  }
  const signal = call.signal;
  if (signal.aborted) {
    listener(signal.reason);
    return undefined;
  }
  const handler = (): void => listener(signal.reason);
  signal.addEventListener('abort', handler, { once: true });
  return () => signal.removeEventListener('abort', handler);
}

/** The message of an unknown thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
