/**
 * `available_worker`: an idle worker. When none is idle the pool parks the call in its
 * pool-wide FIFO queue and the first worker to become idle takes the head (see `pool.ts`).
 * The scan rotates its start so that idle workers share the work.
 * @module
 */
import { rotatingPick } from './rotating.js';
import { isIdle, type StrategyFactory } from './types.js';

/** Build an `available_worker` picker. */
export const availableWorker: StrategyFactory = () => rotatingPick(isIdle, () => 0);
