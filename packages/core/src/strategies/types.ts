/**
 * What a strategy is: one object per pool that picks a worker for each call, says what happens
 * when no worker fits, and hears about loads that drop (the only state change a picker cannot
 * see by itself). See [the strategies in docs/configuration.md](../../../../docs/configuration.md#strategies).
 * @module
 */

/** A source of uniform random numbers in [0, 1), injectable for tests. */
export type RandomSource = () => number;

/** A worker as a strategy or a custom picker sees it. */
export interface WorkerView {
  readonly index: number;
  /** Connected and usable (a worker the broker has blocked counts as not live here). */
  readonly live: boolean;
  /** Running plus queued requests. */
  readonly load: number;
}

/**
 * A worker selection strategy of one pool, built once per pool by its {@link StrategyFactory}.
 *
 * @example
 * ```ts
 * import type { RoutingStrategy } from '@outpools/core/driver';
 *
 * // Always the first live worker; wait in the pool queue when none is live and idle.
 * const firstIdle: RoutingStrategy = {
 *   whenNoneFits: 'queue',
 *   pick: (workers) => workers.find((w) => w.live && w.load === 0),
 * };
 * ```
 */
export interface RoutingStrategy {
  /** One of `workers`, or `undefined` when none fits now. */
  pick<W extends WorkerView>(workers: readonly W[]): W | undefined;
  /**
   * When `pick` found nothing while some worker is live: `"queue"` parks the call in the
   * pool-wide FIFO queue (the first worker with room takes it, within `call_timeout`);
   * `"fail"` rejects it at once with `NoAvailableWorkersError`. With no live worker at all the
   * call fails with `NoWorkersError` either way.
   */
  readonly whenNoneFits: 'queue' | 'fail';
  /** A live worker's load dropped to `load`, or a worker with that load came up. */
  loadDropped?(load: number): void;
}

/** Builds one pool's {@link RoutingStrategy}. */
export type StrategyFactory = (random: RandomSource) => RoutingStrategy;

/** Live with no running or queued request. */
export function isIdle(worker: WorkerView): boolean {
  return worker.live && worker.load === 0;
}

/**
 * A round-robin scan over the workers that `fits` accepts. `start(n)` gives the first cursor
 * (0, or a random worker); later scans start after the last pick. Shared by three strategies.
 */
export function rotatingPick(
  fits: (worker: WorkerView) => boolean,
  start: (n: number) => number,
): RoutingStrategy['pick'] {
  let cursor = -1;
  return <W extends WorkerView>(workers: readonly W[]): W | undefined => {
    const n = workers.length;
    if (n === 0) return undefined;
    if (cursor < 0 || cursor >= n) cursor = start(n);
    for (let i = 0, j = cursor; i < n; i++, j = j + 1 === n ? 0 : j + 1) {
      const w = workers[j]!;
      if (fits(w)) {
        cursor = j + 1 === n ? 0 : j + 1;
        return w;
      }
    }
    return undefined;
  };
}
