/**
 * `@outpools/driver-rabbit`: RabbitMQ pools for outpools, on amqplib.
 * @module
 */
export { rabbitDriver, rabbitMaxQueue, rabbitReconnect, RABBIT_CONCURRENCY } from './driver.js';
export { RabbitConnectionSchema, INFINITY } from './schema.js';
export type { RabbitConnectionOptions } from './schema.js';
export { createRabbitClient } from './client.js';
export type { RabbitClient, RabbitQueueInfo } from './client.js';
export { RabbitConnection } from './connection.js';
export type { RabbitPublishOptions } from './connection.js';
export { connectionName } from './connect.js';
export type { RabbitArguments, RabbitExchangeType, RabbitExchangeOptions, RabbitQueueOptions } from './topology.js';
export {
  RabbitErrorCodes,
  PublishNackedError,
  RabbitChannelError,
  RabbitConnectError,
  RabbitAccessRefusedError,
  RabbitTopologyError,
} from './errors.js';
