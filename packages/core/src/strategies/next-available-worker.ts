/**
 * `next_available_worker`: round robin over idle workers, from a random start. None idle:
 * the pool fails the call at once with `NoAvailableWorkersError` (no queueing).
 * @module
 */
import { rotatingPick } from './rotating.js';
import { isIdle, type StrategyFactory } from './types.js';

/** Build a `next_available_worker` picker. */
export const nextAvailableWorker: StrategyFactory = (random) =>
  rotatingPick(isIdle, (n) => Math.floor(random() * n) % n);
