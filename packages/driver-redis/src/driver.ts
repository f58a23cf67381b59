/**
 * The redis pool type: ioredis connections, one per worker, many pipelined commands each.
 * @module
 */
import { defineDriver, type CallContext } from '@outpools/core/driver';
import { createRedisClient } from './client.js';
import { closeRedisConnection, openRedisConnection } from './connect.js';
import { AVAILABLE_WORKER_REFUSAL, RedisConnectionSchema } from './schema.js';

/** How many commands one worker may have in flight at once (they are pipelined on its socket). */
export const REDIS_CONCURRENCY = 1000;

/**
 * The `redis` pool type (`[outgoing_pools.redis.<tag>]`). Register it with the core's registry;
 * `pools.get(redisDriver, host, tag)` then returns a {@link RedisClient}.
 *
 * @example
 * ```ts
 * import { createPools, DriverRegistry, parseConfig } from '@outpools/core';
 * import { redisDriver } from '@outpools/driver-redis';
 *
 * const registry = new DriverRegistry([redisDriver]);
 * const config = parseConfig(`
 *   [outgoing_pools.redis.default]
 *   workers = 4
 *   [outgoing_pools.redis.default.connection]
 *   host = "127.0.0.1"
 *   database = 2
 * `, { registry });
 * const pools = createPools(config, { registry });
 * await pools.start();
 * const redis = pools.get(redisDriver, 'global', 'default');
 * await redis.set('k', 'v', { px: 500 });
 * await pools.stop();
 * ```
 */
export const redisDriver = defineDriver({
  type: 'redis',
  packageName: '@outpools/driver-redis',
  connectionSchema: RedisConnectionSchema,
  refuseStrategy: (strategy) => (strategy === 'available_worker' ? AVAILABLE_WORKER_REFUSAL : undefined),
  check(ctx) {
    if (ctx.connection.username !== undefined && ctx.connection.password === '') {
      ctx.warn(
        'connection.password',
        'a username is set but the password is empty: AUTH is sent with an empty password, which only an ACL user with "nopass" accepts',
      );
    }
  },
  concurrency: () => REDIS_CONCURRENCY,
  connect: openRedisConnection,
  close: closeRedisConnection,
  ping: (redis, _ctx: CallContext) => redis.ping(),
  client: (pool) => createRedisClient(pool),
});
