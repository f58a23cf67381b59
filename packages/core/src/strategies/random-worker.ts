/**
 * `random_worker`: a uniformly random live worker.
 * @module
 */
import type { StrategyFactory, WorkerView } from './types.js';

/** Build a `random_worker` strategy. */
export const randomWorker: StrategyFactory = (random) => ({
  whenNoneFits: 'fail',
  pick<W extends WorkerView>(workers: readonly W[]): W | undefined {
    const n = workers.length;
    if (n === 0) return undefined;
    // One draw over all workers; when it lands on a dead one, draw again among the live ones only.
    // P(w) = 1/n + (dead/n) * (1/live) = 1/live for every live w: still uniform.
    const first = workers[Math.floor(random() * n) % n]!;
    if (first.live) return first;
    let live = 0;
    for (let i = 0; i < n; i++) if (workers[i]!.live) live++;
    if (live === 0) return undefined;
    let k = Math.floor(random() * live) % live;
    for (let i = 0; i < n; i++) {
      const w = workers[i]!;
      if (w.live && k-- === 0) return w;
    }
    return undefined;
  },
});
