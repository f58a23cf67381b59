/**
 * `next_worker`: round robin over the live workers.
 * @module
 */
import type { StrategyFactory, WorkerPick } from './types.js';

/** Build a `next_worker` picker. */
export const nextWorker: StrategyFactory = () => {
  let cursor = 0;
  const pick: WorkerPick = (workers) => {
    const n = workers.length;
    for (let i = 0; i < n; i++) {
      const j = (cursor + i) % n;
      const w = workers[j]!;
      if (w.live) {
        cursor = j + 1 === n ? 0 : j + 1;
        return w;
      }
    }
    return undefined;
  };
  return pick;
};
