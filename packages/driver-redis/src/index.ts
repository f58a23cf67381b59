/**
 * `@outpools/driver-redis`: Redis pools for outpools, on ioredis (loaded on the first connect).
 * @module
 */
export { redisDriver } from './driver.js';
export { RedisConnectionSchema } from './schema.js';
export type { RedisConnectionOptions } from './schema.js';
export type {
  RedisClient,
  RedisArg,
  RedisCallOptions,
  RedisSetOptions,
  RedisBatch,
  RedisBatchResults,
} from './client.js';
export type { RedisConnection } from './connect.js';
