/**
 * The elastic pool type: one `@elastic/elasticsearch` client with one HTTP connection per worker.
 * @module
 */
import { defineDriver, type DriverCheckContext } from '@outpools/core/driver';
import { createElasticClient, requestOptions } from './client.js';
import { closeElasticConnection, describeCredentials, hostPort, openElasticConnection } from './connection.js';
import { toElasticError } from './errors.js';
import { ElasticConnectionSchema, type ElasticConnectionOptions } from './schema.js';

/** Cross-field rules: basic auth needs both keys; basic auth and an API key exclude each other. */
export function checkElasticAuth(ctx: DriverCheckContext<ElasticConnectionOptions>): void {
  const { username, password, api_key: apiKey } = ctx.connection;
  if (username !== undefined && password === undefined) {
    ctx.error(
      'connection.password',
      'missing required key: a username needs a password (basic authentication uses both)',
    );
  } else if (username === undefined && password !== undefined) {
    ctx.error(
      'connection.username',
      'missing required key: a password needs a username (basic authentication uses both)',
    );
  }
  if (apiKey !== undefined && (username !== undefined || password !== undefined)) {
    ctx.error('connection.api_key', 'use either api_key or username/password, not both');
  }
}

/**
 * The `elastic` pool type (`[outgoing_pools.elastic.<tag>]`). Unlike MongooseIM, any tag works
 * and `strategy`/`call_timeout` apply. Each worker holds one `@elastic/elasticsearch` client with
 * one HTTP connection to `host`:`port` (https with a `tls` section); its health check and ping is
 * cluster health. `pools.get(elasticDriver, host, tag)` returns an {@link ElasticClient}.
 *
 * @example
 * ```ts
 * import { createPools, DriverRegistry, parseConfig } from '@outpools/core';
 * import { elasticDriver } from '@outpools/driver-elastic';
 *
 * const registry = new DriverRegistry([elasticDriver]);
 * const config = parseConfig(`
 *   [outgoing_pools.elastic.default]
 *   workers = 4
 *   [outgoing_pools.elastic.default.connection]
 *   host = "127.0.0.1"
 *   port = 9200
 * `, { registry });
 * const pools = createPools(config, { registry });
 * await pools.start();
 * const es = pools.get(elasticDriver, 'global', 'default');
 * const { status } = await es.health();
 * await pools.stop();
 * ```
 */
export const elasticDriver = defineDriver({
  type: 'elastic',
  packageName: '@outpools/driver-elastic',
  connectionSchema: ElasticConnectionSchema,
  check: checkElasticAuth,
  concurrency: () => 1,
  connect: openElasticConnection,
  close: closeElasticConnection,
  ping: (connection, ctx) =>
    connection.client.cluster.health({}, requestOptions(ctx)).catch((error: unknown) => {
      throw toElasticError(error, connection.target);
    }),
  client: (pool, options) =>
    createElasticClient(pool, { where: hostPort(options.host, options.port), who: describeCredentials(options) }),
});
