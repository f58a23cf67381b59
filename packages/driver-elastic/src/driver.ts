/**
 * The elastic pool type. This version validates the configuration only: talking to
 * Elasticsearch lands in a later release.
 * @module
 */
import { defineDriver, OutpoolsError, type DriverCheckContext, type PoolHandle } from '@outpools/core/driver';
import { ElasticConnectionSchema, type ElasticConnectionOptions } from './schema.js';

/** The code of the error every not-yet-implemented elastic operation rejects with. */
export const NOT_IMPLEMENTED_CODE = 'OUTPOOLS_NOT_IMPLEMENTED';

/**
 * An elastic connection. There is none yet: {@link elasticDriver}'s `connect` always rejects,
 * so no value of this type ever exists in this version.
 */
export type ElasticConnection = never;

/** The typed client of an elastic pool (planned; not functional in this version). */
export interface ElasticClient {
  /**
   * The cluster health document (`status`, `number_of_nodes`, ...), like MongooseIM's
   * `mongoose_elasticsearch:health()`.
   *
   * Not functional yet: no elastic connection can be opened in this version, so the call
   * rejects (with `NoWorkersError` from the pool, or the not-implemented error).
   */
  health(): Promise<Record<string, unknown>>;
}

/** The error every elastic operation rejects with in this version. */
export function elasticNotImplemented(what = 'connection'): OutpoolsError {
  return new OutpoolsError(
    NOT_IMPLEMENTED_CODE,
    `the elastic ${what} is not implemented yet in this version of @outpools/driver-elastic (only its configuration is validated)`,
  );
}

/** Cross-field rules: basic auth needs both keys; basic auth and an API key exclude each other. */
export function checkElasticAuth(ctx: DriverCheckContext<ElasticConnectionOptions>): void {
  const { username, password, api_key: apiKey } = ctx.connection;
  if (username !== undefined && password === undefined) {
    ctx.error('connection.password', 'missing required key: a username needs a password (basic authentication uses both)');
  } else if (username === undefined && password !== undefined) {
    ctx.error('connection.username', 'missing required key: a password needs a username (basic authentication uses both)');
  }
  if (apiKey !== undefined && (username !== undefined || password !== undefined)) {
    ctx.error('connection.api_key', 'use either api_key or username/password, not both');
  }
}

/**
 * The `elastic` pool type (`[outgoing_pools.elastic.<tag>]`). Unlike MongooseIM, any tag works
 * and `strategy`/`call_timeout` apply. Register it to validate elastic sections; talking to
 * Elasticsearch is not implemented yet.
 *
 * @example
 * ```ts
 * import { checkConfig, DriverRegistry } from '@outpools/core';
 * import { elasticDriver } from '@outpools/driver-elastic';
 *
 * const result = checkConfig(`
 *   [outgoing_pools.elastic.default.connection]
 *   host = "otherhost"
 *   port = 9211
 * `, { registry: new DriverRegistry([elasticDriver]) });
 * result.ok; // true
 * ```
 */
export const elasticDriver = defineDriver({
  type: 'elastic',
  packageName: '@outpools/driver-elastic',
  connectionSchema: ElasticConnectionSchema,
  check: checkElasticAuth,
  connect: (): Promise<ElasticConnection> => Promise.reject(elasticNotImplemented()),
  close: () => Promise.resolve(),
  ping: () => Promise.reject(elasticNotImplemented('ping')),
  client: (pool: PoolHandle<ElasticConnection>): ElasticClient => ({
    health: () =>
      pool.run(() => {
        throw elasticNotImplemented('health call');
      }),
  }),
});
