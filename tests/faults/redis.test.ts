/**
 * Fault scenarios for redis pools, against a private redis-server (behind the fault proxy, or
 * killed and started again). Each call is `INCR` of its own key: the server's counts show lost
 * and doubled writes.
 */
import { poolToml } from '@outpools/testing';
import { redisDriver, type RedisClient } from '@outpools/driver-redis';
import { loadIoredis } from '../../packages/driver-redis/src/load.js';
import type { OwnedBackend } from './harness.js';
import { startPrivateRedis } from './servers.js';
import { describeFaults, REDIS_FAULTS } from './suite.js';

async function setup(): Promise<OwnedBackend<RedisClient>> {
  await loadIoredis(); // its import time must not count against the first connect
  const server = await startPrivateRedis();
  return {
    name: 'redis',
    driver: redisDriver,
    target: { port: server.port },
    restartable: server,
    toml: (tag, port, pool) => poolToml('redis', tag, pool, { host: '127.0.0.1', port }),
    client: (pools, tag) => pools.get(redisDriver, 'global', tag),
    write: (client, id) => client.incr(`w:${id}`),
    async counts(client, ids) {
      const counts = new Map<string, number>();
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        const values = await client.mget(...chunk.map((id) => `w:${id}`));
        for (const [j, id] of chunk.entries()) counts.set(id, Number(values[j] ?? 0));
      }
      return counts;
    },
    dispose: () => server.dispose(),
  };
}

describeFaults('redis', setup, REDIS_FAULTS);
