/**
 * `@outpools/driver-cassandra`: the cassandra pool type (configuration only in this version).
 * @module
 */
export { cassandraDriver, cassandraNotImplemented, NOT_IMPLEMENTED_CODE } from './driver.js';
export type { CassandraClient, CassandraConnection } from './driver.js';
export {
  CassandraConnectionSchema,
  CassandraServerSchema,
  CassandraAuthSchema,
  CassandraPlainAuthSchema,
} from './schema.js';
export type { CassandraConnectionOptions, CassandraServer } from './schema.js';
