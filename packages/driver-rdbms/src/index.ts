/**
 * `@outpools/driver-rdbms`: PostgreSQL (`pg`), MySQL/MariaDB (`mysql2`) and ODBC (`odbc`) pools
 * for outpools, configured by `[outgoing_pools.rdbms.<tag>]`. The client libraries are optional
 * peer dependencies, loaded only when a pool selects them.
 * @module
 */
export { rdbmsDriver } from './driver.js';
export { DEFAULT_PG_PIPELINE, RdbmsConnectionSchema, RdbmsTlsSchema } from './schema.js';
export type { RdbmsConnectionOptions, RdbmsTlsOptions, RdbmsDriverName } from './schema.js';
export type { RdbmsClient, RdbmsTransaction } from './client.js';
export type { QueryResult, QueryOptions, FieldInfo, Row, SqlValue } from './types.js';
export {
  RdbmsErrorCodes,
  QueryError,
  QueryTimeoutError,
  RdbmsConnectError,
  ClientLibraryMissingError,
  TransactionClosedError,
  PipelineAbortedError,
  StatementRefusedError,
} from './errors.js';
