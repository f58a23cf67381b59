/**
 * `@outpools/driver-elastic`: the elastic pool type, on `@elastic/elasticsearch` 8.
 * @module
 */
export { elasticDriver, checkElasticAuth } from './driver.js';
export type { ElasticClient, ElasticCallOptions, ElasticRunContext } from './client.js';
export type { ElasticConnection } from './connection.js';
export {
  ElasticErrorCodes,
  ElasticResponseError,
  ElasticAuthError,
  ElasticRequestError,
  ElasticLibraryMissingError,
} from './errors.js';
export type { RequestTarget } from './errors.js';
export { ElasticConnectionSchema } from './schema.js';
export type { ElasticConnectionOptions } from './schema.js';
