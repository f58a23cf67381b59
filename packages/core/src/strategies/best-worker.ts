/**
 * `best_worker`: the live worker with the least load; the scan starts at a random worker and
 * stops at the first idle one; ties go to the first seen.
 * @module
 */
import type { StrategyFactory, WorkerPick } from './types.js';

/** Build a `best_worker` picker. */
export const bestWorker: StrategyFactory = (random) => {
  const pick: WorkerPick = (workers) => {
    const n = workers.length;
    if (n === 0) return undefined;
    const start = Math.floor(random() * n) % n;
    let best: (typeof workers)[number] | undefined;
    let bestLoad = Infinity;
    for (let i = 0, j = start; i < n; i++, j = j + 1 === n ? 0 : j + 1) {
      const w = workers[j]!;
      if (!w.live) continue;
      const load = w.load;
      if (load === 0) return w;
      if (load < bestLoad) {
        best = w;
        bestLoad = load;
      }
    }
    return best;
  };
  return pick;
};
