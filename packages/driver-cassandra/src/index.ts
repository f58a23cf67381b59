/**
 * `@outpools/driver-cassandra`: the cassandra pool type (cassandra-driver).
 * @module
 */
export { cassandraDriver, CASSANDRA_CONCURRENCY, HEALTH_CQL, pingCassandra } from './driver.js';
export type { CassandraClient } from './client.js';
export type { CassandraConnection } from './connect.js';
export { CONSISTENCIES, consistencyCode } from './consistency.js';
export type { Consistency, ConsistencyName } from './consistency.js';
export {
  CassandraErrorCodes,
  CassandraConnectError,
  CassandraAuthError,
  CassandraQueryError,
} from './errors.js';
export type {
  BatchOptions,
  BatchStatement,
  CassandraColumn,
  CassandraResult,
  CassandraRow,
  CqlParams,
  ExecuteOptions,
  StatementOptions,
} from './types.js';
export {
  CassandraConnectionSchema,
  CassandraServerSchema,
  CassandraAuthSchema,
  CassandraPlainAuthSchema,
} from './schema.js';
export type { CassandraConnectionOptions, CassandraServer } from './schema.js';
