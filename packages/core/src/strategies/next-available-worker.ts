/**
 * `next_available_worker`: round robin over idle workers, from a random start. None idle:
 * the pool fails the call at once with `NoAvailableWorkersError` (no queueing).
 * @module
 */
import { isIdle, type StrategyFactory, type WorkerPick } from './types.js';

/** Build a `next_available_worker` picker. */
export const nextAvailableWorker: StrategyFactory = (random) => {
  let cursor = -1;
  const pick: WorkerPick = (workers) => {
    const n = workers.length;
    if (n === 0) return undefined;
    if (cursor < 0) cursor = Math.floor(random() * n) % n;
    for (let i = 0; i < n; i++) {
      const j = (cursor + i) % n;
      const w = workers[j]!;
      if (isIdle(w)) {
        cursor = j + 1 === n ? 0 : j + 1;
        return w;
      }
    }
    return undefined;
  };
  return pick;
};
