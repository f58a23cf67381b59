/**
 * Poll a condition with a deadline, for tests that wait for something asynchronous to happen
 * (never a bare sleep).
 * @module
 */

/** How long to poll and how often. */
export interface PollOptions {
  /** Give up after this many ms. */
  readonly timeoutMs: number;
  /** Check every this many ms. Default 20. */
  readonly intervalMs?: number;
}

/**
 * Poll `condition` (sync or async) every `intervalMs` until it is true or `timeoutMs` has passed;
 * resolves with whether it became true. A condition that throws or rejects counts as "not yet".
 * @example
 * ```ts
 * expect(await waitUntil(() => lostErrors.length > 0, { timeoutMs: 3000 })).toBe(true);
 * ```
 */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  { timeoutMs, intervalMs = 20 }: PollOptions,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await condition()) return true;
    } catch {
      // not yet
    }
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Poll `condition` (sync or async) every `intervalMs` (default 20) until it is true; rejects with
 * `timed out after <timeoutMs> ms waiting for <what>` when it is still false after `timeoutMs`.
 * An error thrown by the condition itself rejects at once.
 * @example
 * ```ts
 * await until(() => pools.stats()[0]?.workers.live === 2, 3000, 'both workers live');
 * ```
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what = 'condition',
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
