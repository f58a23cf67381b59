/**
 * The cassandra pool type. This version validates the configuration only: connecting to
 * Cassandra lands in a later release.
 * @module
 */
import { defineDriver, OutpoolsError, type PoolHandle } from '@outpools/core/driver';
import { CassandraConnectionSchema } from './schema.js';

/** The code of the error every not-yet-implemented cassandra operation rejects with. */
export const NOT_IMPLEMENTED_CODE = 'OUTPOOLS_NOT_IMPLEMENTED';

/**
 * A cassandra connection. There is none yet: {@link cassandraDriver}'s `connect` always rejects,
 * so no value of this type ever exists in this version.
 */
export type CassandraConnection = never;

/** The typed client of a cassandra pool (planned; not functional in this version). */
export interface CassandraClient {
  /**
   * Run one CQL statement with its bound values on a worker of the pool.
   *
   * Not functional yet: no cassandra connection can be opened in this version, so the call
   * rejects (with `NoWorkersError` from the pool, or the not-implemented error).
   */
  execute(query: string, params?: readonly unknown[]): Promise<unknown>;
}

/** The error every cassandra operation rejects with in this version. */
export function cassandraNotImplemented(what = 'connection'): OutpoolsError {
  return new OutpoolsError(
    NOT_IMPLEMENTED_CODE,
    `the cassandra ${what} is not implemented yet in this version of @outpools/driver-cassandra (only its configuration is validated)`,
  );
}

/**
 * The `cassandra` pool type (`[outgoing_pools.cassandra.<tag>]`): 20 workers by default.
 * Register it to validate cassandra sections; connecting is not implemented yet.
 *
 * @example
 * ```ts
 * import { checkConfig, DriverRegistry } from '@outpools/core';
 * import { cassandraDriver } from '@outpools/driver-cassandra';
 *
 * const result = checkConfig(`
 *   [outgoing_pools.cassandra.default.connection]
 *   servers = [{host = "host_one", port = 9042}, {host = "host_two"}]
 *   keyspace = "big_mongooseim_database"
 * `, { registry: new DriverRegistry([cassandraDriver]) });
 * result.config?.pools[0]?.connection; // servers with port 9042 filled in
 * ```
 */
export const cassandraDriver = defineDriver({
  type: 'cassandra',
  packageName: '@outpools/driver-cassandra',
  connectionSchema: CassandraConnectionSchema,
  defaults: { workers: 20 },
  connect: (): Promise<CassandraConnection> => Promise.reject(cassandraNotImplemented()),
  close: () => Promise.resolve(),
  ping: () => Promise.reject(cassandraNotImplemented('ping')),
  client: (pool: PoolHandle<CassandraConnection>): CassandraClient => ({
    execute: () =>
      pool.run(() => {
        throw cassandraNotImplemented('execute call');
      }),
  }),
});
