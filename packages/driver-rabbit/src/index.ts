/**
 * `@outpools/driver-rabbit`: the rabbit pool type (configuration only in this version).
 * @module
 */
export { rabbitDriver, rabbitNotImplemented, rabbitMaxQueue, RABBIT_CONCURRENCY, NOT_IMPLEMENTED_CODE } from './driver.js';
export type { RabbitClient, RabbitConnection } from './driver.js';
export { RabbitConnectionSchema, INFINITY } from './schema.js';
export type { RabbitConnectionOptions } from './schema.js';
