/**
 * Close what a test opened, after each test, even when the test failed.
 * @module
 */
import { afterEach } from 'vitest';

/**
 * Register an `afterEach` hook (call this at the top level of a test file or in a `describe`)
 * that closes, with `close`, every item passed to the returned `track` function during the test.
 * `track` returns its argument, so it wraps an opening call.
 * @example
 * ```ts
 * const track = closeAfterEach((connection: RdbmsConnection) => connection.close());
 * const connection = track(await connectRdbms(options, ctx));
 * ```
 */
export function closeAfterEach<T>(close: (item: T) => Promise<unknown> | unknown): (item: T) => T {
  const open: T[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((item) => close(item)));
  });
  return (item) => {
    open.push(item);
    return item;
  };
}
