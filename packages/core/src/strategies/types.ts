/**
 * What a strategy is: a factory that, given a random source, returns a `pick(workers)` function
 * (stateful strategies such as round robin keep their cursor in the closure).
 * @module
 */
import type { WorkerView } from '../driver/contract.js';
import type { RandomSource } from '../engine/backoff.js';

/** Choose one worker, or `undefined` when none fits. */
export type WorkerPick = <W extends WorkerView>(workers: readonly W[]) => W | undefined;

/** Builds one pool's {@link WorkerPick}. */
export type StrategyFactory = (random: RandomSource) => WorkerPick;

/** Live with no running or queued request. */
export function isIdle(worker: WorkerView): boolean {
  return worker.live && worker.load === 0;
}
