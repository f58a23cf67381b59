/**
 * `next_worker`: round robin over the live workers.
 * @module
 */
import type { WorkerView } from '../driver/contract.js';
import { rotatingPick } from './rotating.js';
import type { StrategyFactory } from './types.js';

const isLive = (worker: WorkerView): boolean => worker.live;

/** Build a `next_worker` picker. */
export const nextWorker: StrategyFactory = () => rotatingPick(isLive, () => 0);
