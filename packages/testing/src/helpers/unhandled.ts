/**
 * Record the errors nothing handled (`unhandledRejection`, `uncaughtException`) while a test runs.
 * @module
 */

/** What {@link recordUnhandled} returns: the errors seen so far and a way to stop listening. */
export interface UnhandledRecorder {
  /** Every unhandled rejection reason and uncaught exception seen since installing, in order. */
  readonly errors: unknown[];
  /** Stop listening (the recorded errors stay in `errors`). */
  uninstall(): void;
}

/**
 * Listen for `unhandledRejection` and `uncaughtException` on `process` and record what they carry,
 * until `uninstall()`. While installed the listeners also stop such errors from failing the run,
 * so assert `errors` is empty yourself.
 * @example
 * ```ts
 * const unhandled = recordUnhandled();
 * try {
 *   await exercisePools();
 *   expect(unhandled.errors).toEqual([]);
 * } finally {
 *   unhandled.uninstall();
 * }
 * ```
 */
export function recordUnhandled(): UnhandledRecorder {
  const errors: unknown[] = [];
  const onError = (error: unknown): void => {
    errors.push(error);
  };
  process.on('unhandledRejection', onError);
  process.on('uncaughtException', onError);
  return {
    errors,
    uninstall() {
      process.off('unhandledRejection', onError);
      process.off('uncaughtException', onError);
    },
  };
}
