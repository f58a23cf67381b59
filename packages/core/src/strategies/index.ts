/**
 * The five strategies of spec 2, by name.
 * @module
 */
import type { Strategy } from '../config/pool-schema.js';
import type { StrategyFactory } from './types.js';
import { bestWorker } from './best-worker.js';
import { randomWorker } from './random-worker.js';
import { nextWorker } from './next-worker.js';
import { availableWorker } from './available-worker.js';
import { nextAvailableWorker } from './next-available-worker.js';

/** Strategy name to picker factory. */
export const STRATEGY_FACTORIES: { readonly [K in Strategy]: StrategyFactory } = {
  best_worker: bestWorker,
  random_worker: randomWorker,
  next_worker: nextWorker,
  available_worker: availableWorker,
  next_available_worker: nextAvailableWorker,
};

export { bestWorker, randomWorker, nextWorker, availableWorker, nextAvailableWorker };
export { LeastLoaded } from './best-worker.js';
export { hashIndex } from './hash.js';
export { isIdle } from './types.js';
export type { StrategyFactory, WorkerPick } from './types.js';
