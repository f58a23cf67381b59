/**
 * The `rdbms` pool type: PostgreSQL and CockroachDB (`pg`), MySQL/MariaDB (`mysql2`) and ODBC
 * (`odbc`), one connection per worker; one statement at a time, or over the PostgreSQL protocol up
 * to `pipeline` statements in flight (pg's pipeline mode).
 * @module
 */
import { defineDriver, type CallContext, type ConnectContext } from '@outpools/core/driver';
import { createRdbmsClient } from './client.js';
import { connectMysql } from './mysql.js';
import { connectOdbc } from './odbc.js';
import { connectPgsql } from './pgsql.js';
import {
  checkRdbmsOptions,
  pgPipelineDepth,
  RdbmsConnectionSchema,
  resolveRdbmsOptions,
  type RdbmsConnectionOptions,
} from './schema.js';
import type { RdbmsConnection } from './types.js';

/** Open one connection with the backend the options select. */
export function connectRdbms(options: RdbmsConnectionOptions, ctx: ConnectContext): Promise<RdbmsConnection> {
  switch (options.driver) {
    case 'pgsql':
    case 'cockroachdb':
      return connectPgsql(options, ctx);
    case 'mysql':
      return connectMysql(options, ctx);
    case 'odbc':
      return connectOdbc(options, ctx);
  }
}

/**
 * `SELECT 1`, bounded by `query_timeout` (the call's sub-deadline): a slower reply rejects with
 * `QueryTimeoutError` (the worker is then broken).
 */
export function pingRdbms(connection: RdbmsConnection, ctx: CallContext): Promise<unknown> {
  return connection.ping(ctx);
}

/**
 * The `rdbms` pool type (`[outgoing_pools.rdbms.<tag>]`). Register it with the core's registry;
 * `pools.get(rdbmsDriver, host, tag)` then returns an {@link RdbmsClient}.
 *
 * @example
 * ```ts
 * import { createPools, DriverRegistry, parseConfig } from '@outpools/core';
 * import { rdbmsDriver } from '@outpools/driver-rdbms';
 *
 * const registry = new DriverRegistry([rdbmsDriver]);
 * const config = parseConfig(`
 *   [outgoing_pools.rdbms.default]
 *   workers = 5
 *   [outgoing_pools.rdbms.default.connection]
 *   driver = "pgsql"
 *   host = "localhost"
 *   database = "mim-db"
 *   username = "mim-user"
 *   password = "mim-password"
 * `, { registry });
 * const pools = createPools(config, { registry });
 * await pools.start();
 * const db = pools.get(rdbmsDriver, 'global', 'default');
 * const { rows } = await db.query('SELECT $1::text AS greeting', ['hello']);
 * await pools.stop();
 * ```
 */
export const rdbmsDriver = defineDriver({
  type: 'rdbms',
  packageName: '@outpools/driver-rdbms',
  connectionSchema: RdbmsConnectionSchema,
  defaults: { call_timeout: 60_000 },
  resolve: resolveRdbmsOptions,
  check: checkRdbmsOptions,
  concurrency: pgPipelineDepth,
  reconnect: (options) => ({ kind: 'exponential', baseMs: 1000, capMs: options.max_start_interval * 1000 }),
  keepaliveMs: (options) => (options.keepalive_interval === undefined ? undefined : options.keepalive_interval * 1000),
  connect: connectRdbms,
  close: (connection) => connection.close(),
  ping: pingRdbms,
  client: (pool, options) => createRdbmsClient(pool, options.driver),
});
