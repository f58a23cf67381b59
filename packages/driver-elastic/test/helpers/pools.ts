/**
 * Start elastic pools through the real engine from TOML, with the elastic driver and its typed
 * client.
 */
import type { Pools } from '@outpools/core';
import { elasticDriver, type ElasticClient } from '@outpools/driver-elastic';
import { poolToml, startPoolsFromToml, type StartedPools, type TomlTable } from '@outpools/testing';
import { NODE_TLS, nodeConnection } from './server.js';

/** Start the pools of `toml` with `driver` (default: the elastic driver). */
export function startPools(toml: string, driver: typeof elasticDriver = elasticDriver): Promise<StartedPools> {
  return startPoolsFromToml(toml, [driver]);
}

/** The typed client of `elastic.<tag>@global`. */
export function clientOf(pools: Pools, tag: string): ElasticClient {
  return pools.get(elasticDriver, 'global', tag);
}

/** A TOML file with one elastic pool. */
export function elasticToml(tag: string, pool: TomlTable, connection: TomlTable, tls?: TomlTable): string {
  return poolToml('elastic', tag, pool, connection, tls);
}

/** A TOML file with one elastic pool on the test node (https with its CA, basic auth). */
export function nodeToml(tag: string, pool: TomlTable = {}, connection: TomlTable = {}): string {
  return elasticToml(tag, pool, nodeConnection(connection), NODE_TLS);
}
