/**
 * Start rabbit pools through the real engine from TOML (shared helpers from `@outpools/testing`,
 * with the rabbit driver as the default and its typed client).
 */
import type { Pools } from '@outpools/core';
import type { PoolHandle } from '@outpools/core/driver';
import {
  rabbitDriver,
  type RabbitClient,
  type RabbitConnection,
  type RabbitConnectionOptions,
} from '@outpools/driver-rabbit';
import { poolToml, startPoolsFromToml, type StartedPools, type TomlTable } from '@outpools/testing';

export type { Pools } from '@outpools/core';

/** The documented defaults: the connection options of an empty connection section. */
export const DEFAULTS: RabbitConnectionOptions = {
  host: 'localhost',
  port: 5672,
  username: 'guest',
  password: 'guest',
  virtual_host: '/',
  confirms_enabled: false,
  max_worker_queue_len: 1000,
  reconnect: { attempts: 0, delay: 2000 },
};

/** Start the pools of `toml` with `driver` (default: the rabbit driver). */
export function startPools(toml: string, driver: typeof rabbitDriver = rabbitDriver): Promise<StartedPools> {
  return startPoolsFromToml(toml, [driver]);
}

/** The typed client of `rabbit.<tag>@global`. */
export function clientOf(pools: Pools, tag: string): RabbitClient {
  return pools.get(rabbitDriver, 'global', tag);
}

/** A TOML file with one rabbit pool. */
export function rabbitToml(tag: string, pool: TomlTable, connection: TomlTable, tls?: TomlTable): string {
  return poolToml('rabbit', tag, pool, connection, tls);
}

/** The pool `rabbit.<tag>@global` as a handle whose calls get a {@link RabbitConnection}. */
export function handleOf(pools: Pools, tag: string): PoolHandle<RabbitConnection> {
  return pools.pool('rabbit', 'global', tag) as unknown as PoolHandle<RabbitConnection>;
}
