/**
 * The strategies by name: the one list the config schema, the docs and the engine read.
 * Adding a strategy: a file here exporting its {@link StrategyFactory}, its name and factory
 * below, and its test.
 * @module
 */
import type { StrategyFactory } from './types.js';
import { bestWorker } from './best-worker.js';
import { randomWorker } from './random-worker.js';
import { nextWorker } from './next-worker.js';
import { availableWorker } from './available-worker.js';
import { nextAvailableWorker } from './next-available-worker.js';

/** Every strategy name, in the order the docs list them; the first is the default. */
export const STRATEGIES = [
  'best_worker',
  'random_worker',
  'next_worker',
  'available_worker',
  'next_available_worker',
] as const;

/** A worker selection strategy name. */
export type StrategyName = (typeof STRATEGIES)[number];

/** Strategy name to factory. */
export const STRATEGY_FACTORIES: { readonly [K in StrategyName]: StrategyFactory } = {
  best_worker: bestWorker,
  random_worker: randomWorker,
  next_worker: nextWorker,
  available_worker: availableWorker,
  next_available_worker: nextAvailableWorker,
};

export { bestWorker, randomWorker, nextWorker, availableWorker, nextAvailableWorker };
export { hashIndex } from './hash.js';
export { isIdle } from './types.js';
export type { RandomSource, RoutingStrategy, StrategyFactory, WorkerView } from './types.js';
