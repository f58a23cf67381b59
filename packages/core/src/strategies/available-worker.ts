/**
 * `available_worker`: an idle worker. When none is idle the call waits in the pool-wide FIFO
 * queue and the first worker to become idle takes the head. The scan rotates its start so that
 * idle workers share the work.
 * @module
 */
import { isIdle, rotatingPick, type StrategyFactory } from './types.js';

/** Build an `available_worker` strategy. */
export const availableWorker: StrategyFactory = () => ({ whenNoneFits: 'queue', pick: rotatingPick(isIdle, () => 0) });
