/**
 * Start redis pools through the real engine from TOML, and record unhandled errors.
 */
import { createPools, DriverRegistry, parseConfig, type PoolDriver, type ReconnectPolicy } from '@outpools/core';
import { redisDriver } from '@outpools/driver-redis';
import type { RedisClient } from '../../src/client.js';

export type Pools = ReturnType<typeof createPools>;

/** The redis driver with a short reconnect backoff, so tests can wait for the cap + 1 s. */
export function redisDriverWithBackoff(policy: ReconnectPolicy): typeof redisDriver {
  return Object.freeze({ ...redisDriver, reconnect: () => policy });
}

/** Parse `toml` with a registry holding `driver`, create the pools and start them. */
export async function startPools(
  toml: string,
  driver: PoolDriver = redisDriver as unknown as PoolDriver,
): Promise<{ pools: Pools; report: Awaited<ReturnType<Pools['start']>> }> {
  const registry = new DriverRegistry([driver]);
  const pools = createPools(parseConfig(toml, { registry }), { registry });
  const report = await pools.start();
  return { pools, report };
}

/** The typed client of `redis.<tag>@global`. */
export function clientOf(pools: Pools, tag: string): RedisClient {
  return pools.get(redisDriver, 'global', tag);
}

/** A TOML file with one redis pool. */
export function redisToml(
  tag: string,
  pool: Record<string, string | number>,
  connection: Record<string, string | number>,
  tls?: Record<string, string>,
): string {
  const value = (v: string | number): string => (typeof v === 'number' ? String(v) : JSON.stringify(v));
  const lines = [`[outgoing_pools.redis.${tag}]`];
  for (const [k, v] of Object.entries(pool)) lines.push(`${k} = ${value(v)}`);
  lines.push(`[outgoing_pools.redis.${tag}.connection]`);
  for (const [k, v] of Object.entries(connection)) lines.push(`${k} = ${value(v)}`);
  if (tls) {
    lines.push(`[outgoing_pools.redis.${tag}.connection.tls]`);
    for (const [k, v] of Object.entries(tls)) lines.push(`${k} = ${value(v)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Records `unhandledRejection` and `uncaughtException` while installed. */
export function recordUnhandled(): { readonly errors: unknown[]; uninstall(): void } {
  const errors: unknown[] = [];
  const onError = (error: unknown): void => {
    errors.push(error);
  };
  process.on('unhandledRejection', onError);
  process.on('uncaughtException', onError);
  return {
    errors,
    uninstall() {
      process.off('unhandledRejection', onError);
      process.off('uncaughtException', onError);
    },
  };
}
