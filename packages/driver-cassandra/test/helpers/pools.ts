/** Start cassandra pools through the real engine from TOML. */
import type { Pools } from '@outpools/core';
import { cassandraDriver, type CassandraClient } from '@outpools/driver-cassandra';
import { poolToml, startPoolsFromToml, type StartedPools, type TomlTable } from '@outpools/testing';
import { CONNECTION } from './server.js';

/** Start the pools of `toml` with `driver` (default: the cassandra driver). */
export function startPools(toml: string, driver: typeof cassandraDriver = cassandraDriver): Promise<StartedPools> {
  return startPoolsFromToml(toml, [driver]);
}

/** The typed client of `cassandra.<tag>@global`. */
export function clientOf(pools: Pools, tag: string): CassandraClient {
  return pools.get(cassandraDriver, 'global', tag);
}

/** A TOML file with one cassandra pool (connection defaults to the test node with the test role). */
export function cassandraToml(
  tag: string,
  pool: TomlTable,
  connection: TomlTable = CONNECTION,
  tls?: TomlTable,
): string {
  return poolToml('cassandra', tag, pool, connection, tls);
}
