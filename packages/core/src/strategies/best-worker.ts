/**
 * `best_worker`: the live worker with the least load; the scan stops at the first idle one;
 * ties go to the first seen. The first scan starts at a random worker, each later one at the
 * worker after the last pick (a rotating start: no random number per call, and idle workers
 * are taken in turn).
 * @module
 */
import type { StrategyFactory, WorkerPick } from './types.js';

/** Build a `best_worker` picker. */
export const bestWorker: StrategyFactory = (random) => {
  let cursor = -1;
  const pick: WorkerPick = (workers) => {
    const n = workers.length;
    if (n === 0) return undefined;
    let j = cursor;
    if (j < 0 || j >= n) j = Math.floor(random() * n) % n;
    let best: (typeof workers)[number] | undefined;
    let bestAt = 0;
    let bestLoad = Infinity;
    for (let i = 0; i < n; i++, j = j + 1 === n ? 0 : j + 1) {
      const w = workers[j]!;
      if (!w.live) continue;
      const load = w.load;
      if (load === 0) {
        cursor = j + 1 === n ? 0 : j + 1;
        return w;
      }
      if (load < bestLoad) {
        best = w;
        bestAt = j;
        bestLoad = load;
      }
    }
    if (best !== undefined) cursor = bestAt + 1 === n ? 0 : bestAt + 1;
    return best;
  };
  return pick;
};
