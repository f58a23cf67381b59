/**
 * `@outpools/driver-redis`: Redis pools for outpools, on ioredis.
 * @module
 */
export { redisDriver, REDIS_CONCURRENCY } from './driver.js';
export { RedisConnectionSchema, AVAILABLE_WORKER_REFUSAL } from './schema.js';
export type { RedisConnectionOptions } from './schema.js';
export { createRedisClient } from './client.js';
export type {
  RedisClient,
  RedisArg,
  RedisCallOptions,
  RedisSetOptions,
  RedisBatch,
  RedisBatchResults,
} from './client.js';
export { CONNECT_TIMEOUT_MS, connectionName } from './connect.js';
export type { RedisConnection } from './connect.js';
