/**
 * Start redis pools through the real engine from TOML (shared helpers from `@outpools/testing`,
 * with the redis driver as the default and its typed client).
 */
import type { Pools } from '@outpools/core';
import { redisDriver } from '@outpools/driver-redis';
import { poolToml, startPoolsFromToml, type StartedPools, type TomlTable } from '@outpools/testing';
import type { RedisClient } from '../../src/client.js';
import { loadIoredis } from '../../src/load.js';

export type { Pools } from '@outpools/core';

/**
 * Start the pools of `toml` with `driver` (default: the redis driver). ioredis is imported on the
 * first connect: import it first, so that its import time on a loaded machine does not count
 * against the connect bound of the start being tested (tests/check-imports.test.ts covers the
 * lazy loading itself).
 */
export async function startPools(toml: string, driver: typeof redisDriver = redisDriver): Promise<StartedPools> {
  await loadIoredis();
  return startPoolsFromToml(toml, [driver]);
}

/** The typed client of `redis.<tag>@global`. */
export function clientOf(pools: Pools, tag: string): RedisClient {
  return pools.get(redisDriver, 'global', tag);
}

/** A TOML file with one redis pool. */
export function redisToml(tag: string, pool: TomlTable, connection: TomlTable, tls?: TomlTable): string {
  return poolToml('redis', tag, pool, connection, tls);
}
