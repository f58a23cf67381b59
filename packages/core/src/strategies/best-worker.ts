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
  /** A test's random source; `undefined` for the default, an xorshift generator on small integers (no number allocated per pick). */
  readonly #random: RandomSource | undefined;
  #seed: number;
  constructor(random: RandomSource) {
    this.#random = random === Math.random ? undefined : random;
    this.#seed = (Math.random() * 0x7fffffff) | 1;
  }

  /** A uniform start index in [0, n). */
  #start(n: number): number {
    const random = this.#random;
    if (random !== undefined) return Math.floor(random() * n) % n;
    let x = this.#seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#seed = x;
    return (x >>> 1) % n; // 31 bits: a small-integer modulo (a 32-bit value would be a double)
  }

  loadDropped(load: number): void {
    if (load < this.#floor) this.#floor = load;
  }

  pick<W extends WorkerView>(workers: readonly W[]): W | undefined {
    const n = workers.length;
    if (n === 0) return undefined;
    let j = this.#start(n);
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
