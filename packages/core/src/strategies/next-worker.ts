/**
 * `next_worker`: round robin over the live workers.
 * @module
 */
import { rotatingPick, type StrategyFactory, type WorkerView } from './types.js';

const isLive = (worker: WorkerView): boolean => worker.live;

/** Build a `next_worker` strategy. */
export const nextWorker: StrategyFactory = () => ({ whenNoneFits: 'fail', pick: rotatingPick(isLive, () => 0) });
