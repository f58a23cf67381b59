/**
 * Reconnect delays (docs/lifecycle.md): capped exponential backoff with full jitter, or a fixed interval.
 * @module
 */
import type { ReconnectPolicy } from '../driver/contract.js';

/** A source of uniform random numbers in [0, 1), injectable for tests. */
export type RandomSource = () => number;

/**
 * The delay before reconnect attempt `attempt` (0 for the first retry after a failure).
 * The first `firstRetries.attempts` retries wait `firstRetries.delayMs`; after them (counting
 * from 0 again) exponential: `random(0, min(capMs, baseMs * 2^attempt))` ("full jitter"); fixed:
 * `intervalMs`.
 *
 * @example
 * ```ts
 * backoffDelay({ kind: 'exponential', baseMs: 1000, capMs: 30_000 }, 3, () => 0.5); // 4000
 * ```
 */
export function backoffDelay(policy: ReconnectPolicy, attempt: number, random: RandomSource = Math.random): number {
  const first = policy.firstRetries;
  if (first !== undefined && first.attempts > 0) {
    if (attempt < first.attempts) return Math.max(0, first.delayMs);
    attempt -= first.attempts;
  }
  if (policy.kind === 'fixed') return Math.max(0, policy.intervalMs);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 52));
  return Math.floor(random() * Math.max(0, ceiling));
}
