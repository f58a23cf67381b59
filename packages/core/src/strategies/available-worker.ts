/**
 * `available_worker`: an idle worker. When none is idle the pool parks the call in its
 * pool-wide FIFO queue and the first worker to become idle takes the head (see `pool.ts`).
 * The scan rotates its start so that idle workers share the work.
 * @module
 */
import { isIdle, type StrategyFactory, type WorkerPick } from './types.js';

/** Build an `available_worker` picker. */
export const availableWorker: StrategyFactory = () => {
  let cursor = 0;
  const pick: WorkerPick = (workers) => {
    const n = workers.length;
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
