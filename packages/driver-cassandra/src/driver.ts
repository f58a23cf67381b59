/**
 * The cassandra pool type: one cassandra-driver client per worker, one connection per node,
 * many requests in flight on each.
 * @module
 */
import { defineDriver, type CallContext } from '@outpools/core/driver';
import { createCassandraClient, type CassandraClient } from './client.js';
import { closeCassandraConnection, openCassandraConnection, type CassandraConnection } from './connect.js';
import { CassandraConnectionSchema } from './schema.js';

/**
 * How many requests one worker may have in flight at once. cassandra-driver multiplexes up to
 * 2048 on one connection (protocol v4+); a worker keeps half of that as its limit.
 */
export const CASSANDRA_CONCURRENCY = 1024;

/** The statement of the health check: the cheapest round trip that reads from the node. */
export const HEALTH_CQL = 'SELECT release_version FROM system.local';

/**
 * Ping one worker: {@link HEALTH_CQL} on one of its nodes; resolves with the node's Cassandra
 * version.
 */
export async function pingCassandra(connection: CassandraConnection, _ctx?: CallContext): Promise<string> {
  const result = await connection.client.execute(HEALTH_CQL, [], { prepare: false });
  const version: unknown = result.rows[0]?.['release_version'];
  return typeof version === 'string' ? version : String(version);
}

/**
 * The `cassandra` pool type (`[outgoing_pools.cassandra.<tag>]`): 20 workers by default, each a
 * cassandra-driver client with one connection per server. `pools.get(cassandraDriver, host, tag)`
 * returns a {@link CassandraClient}.
 *
 * @example
 * ```ts
 * import { createPools, DriverRegistry, parseConfig } from '@outpools/core';
 * import { cassandraDriver } from '@outpools/driver-cassandra';
 *
 * const registry = new DriverRegistry([cassandraDriver]);
 * const config = parseConfig(`
 *   [outgoing_pools.cassandra.default.connection]
 *   servers = [{host = "127.0.0.1", port = 9042}]
 *   keyspace = "mongooseim"
 *   auth.plain = {username = "mim", password = "secret"}
 * `, { registry });
 * const pools = createPools(config, { registry });
 * await pools.start();
 * const cassandra = pools.get(cassandraDriver, 'global', 'default');
 * const rows = (await cassandra.execute('SELECT * FROM users WHERE id = ?', [42])).rows;
 * await pools.stop();
 * ```
 */
export const cassandraDriver = defineDriver({
  type: 'cassandra',
  packageName: '@outpools/driver-cassandra',
  connectionSchema: CassandraConnectionSchema,
  defaults: { workers: 20 },
  // TLS options (one set for every node the client dials) are checked against the first server.
  tlsHost: (options) => options.servers[0]?.host ?? 'localhost',
  concurrency: () => CASSANDRA_CONCURRENCY,
  connect: openCassandraConnection,
  close: closeCassandraConnection,
  ping: pingCassandra,
  client: (pool, options): CassandraClient =>
    createCassandraClient(pool, options.auth === undefined ? [] : [options.auth.plain.password]),
});
