/**
 * `best_worker`: the live worker with the least load; ties go to the first seen from a random
 * start, so ties and idle workers are spread evenly.
 *
 * The strategy keeps a lower bound of the live workers' least load (`floor`): a scan stops at the
 * first worker whose load equals it, so a pool where every worker is busy is not scanned in full
 * on every call. The pool keeps the bound valid through {@link RoutingStrategy.loadDropped}
 * (a load that grows, or a worker that goes down, cannot break it).
 * @module
 */
import type { RandomSource, RoutingStrategy, StrategyFactory, WorkerView } from './types.js';

class BestWorker implements RoutingStrategy {
  readonly whenNoneFits = 'fail' as const;
  /** No live worker has less load than this. */
  #floor = 0;
  constructor(private readonly random: RandomSource) {}

  loadDropped(load: number): void {
    if (load < this.#floor) this.#floor = load;
  }

  pick<W extends WorkerView>(workers: readonly W[]): W | undefined {
    const n = workers.length;
    if (n === 0) return undefined;
    let j = Math.floor(this.random() * n) % n;
    const floor = this.#floor;
    let best: W | undefined;
    let bestLoad = Infinity;
    for (let i = 0; i < n; i++, j = j + 1 === n ? 0 : j + 1) {
      const w = workers[j]!;
      if (!w.live) continue;
      const load = w.load;
      if (load <= floor) {
        this.#floor = load;
        return w;
      }
      if (load < bestLoad) {
        best = w;
        bestLoad = load;
      }
    }
    if (best === undefined) return undefined;
    this.#floor = bestLoad; // a full scan saw every live worker: this is the least load now
    return best;
  }
}

/** Build a `best_worker` strategy. */
export const bestWorker: StrategyFactory = (random) => new BestWorker(random);
