/**
 * `@outpools/driver-elastic`: the elastic pool type (configuration only in this version).
 * @module
 */
export { elasticDriver, elasticNotImplemented, checkElasticAuth, NOT_IMPLEMENTED_CODE } from './driver.js';
export type { ElasticClient, ElasticConnection } from './driver.js';
export { ElasticConnectionSchema } from './schema.js';
export type { ElasticConnectionOptions } from './schema.js';
