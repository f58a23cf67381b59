/**
 * The round-robin scan three strategies share: from a cursor, the first worker that `fits`;
 * the cursor then moves past it.
 * @module
 */
import type { WorkerView } from '../driver/contract.js';
import type { WorkerPick } from './types.js';

/**
 * A round-robin picker over the workers that `fits` accepts. `start(n)` gives the first
 * cursor (0, or a random worker); later scans start after the last pick.
 */
export function rotatingPick(fits: (worker: WorkerView) => boolean, start: (n: number) => number): WorkerPick {
  let cursor = -1;
  return (workers) => {
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
