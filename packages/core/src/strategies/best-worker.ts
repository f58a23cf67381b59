/**
 * `best_worker`: the live worker with the least load; the scan stops at the first idle one;
 * ties go to the first seen. Each scan starts at a random worker (spec 2), so ties and idle
 * workers are spread evenly.
 * @module
 */
import type { WorkerView } from '../driver/contract.js';
import type { RandomSource } from '../engine/backoff.js';
import type { StrategyFactory, WorkerPick } from './types.js';

/** Build a `best_worker` picker. */
export const bestWorker: StrategyFactory = (random) => {
  const pick: WorkerPick = (workers) => {
    const n = workers.length;
    if (n === 0) return undefined;
    let j = Math.floor(random() * n) % n;
    let best: (typeof workers)[number] | undefined;
    let bestLoad = Infinity;
    for (let i = 0; i < n; i++, j = j + 1 === n ? 0 : j + 1) {
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

/**
 * The engine's `best_worker` (same picks as {@link bestWorker}), with a known lower bound of the
 * live workers' least load: the scan stops at the first worker whose load equals it, so a
 * pool where every worker is busy does not scan all of them on every call. The engine keeps
 * the bound valid by calling {@link LeastLoaded.lowered} whenever a worker's load drops or a
 * worker comes up (a load that grows, or a worker that goes down, cannot break it).
 * @internal
 */
export class LeastLoaded {
  /** No live worker has less load than this. */
  floor = 0;
  constructor(private readonly random: RandomSource) {}

  /** A live worker's load dropped to `load` (or a worker with that load came up). */
  lowered(load: number): void {
    if (load < this.floor) this.floor = load;
  }

  /** The live worker with the least load, the first seen from a random start. */
  pick<W extends WorkerView>(workers: readonly W[]): W | undefined {
    const n = workers.length;
    if (n === 0) return undefined;
    let j = Math.floor(this.random() * n) % n;
    const floor = this.floor;
    let best: W | undefined;
    let bestLoad = Infinity;
    for (let i = 0; i < n; i++, j = j + 1 === n ? 0 : j + 1) {
      const w = workers[j]!;
      if (!w.live) continue;
      const load = w.load;
      if (load <= floor) {
        this.floor = load;
        return w;
      }
      if (load < bestLoad) {
        best = w;
        bestLoad = load;
      }
    }
    if (best === undefined) return undefined;
    this.floor = bestLoad; // a full scan saw every live worker: this is the least load now
    return best;
  }
}
