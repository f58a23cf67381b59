/**
 * `next_available_worker`: round robin over idle workers, from a random start. None idle: the
 * call fails at once with `NoAvailableWorkersError` (no queueing).
 * @module
 */
import { isIdle, rotatingPick, type StrategyFactory } from './types.js';

/** Build a `next_available_worker` strategy. */
export const nextAvailableWorker: StrategyFactory = (random) => ({
  whenNoneFits: 'fail',
  pick: rotatingPick(isIdle, (n) => Math.floor(random() * n) % n),
});
