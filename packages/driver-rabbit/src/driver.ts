/**
 * The rabbit pool type. This version validates the configuration only: talking to RabbitMQ
 * lands in a later release.
 * @module
 */
import { defineDriver, OutpoolsError, type PoolHandle } from '@outpools/core/driver';
import { INFINITY, RabbitConnectionSchema, type RabbitConnectionOptions } from './schema.js';

/** The code of the error every not-yet-implemented rabbit operation rejects with. */
export const NOT_IMPLEMENTED_CODE = 'OUTPOOLS_NOT_IMPLEMENTED';

/** How many requests one worker runs at once: its channel multiplexes them. */
export const RABBIT_CONCURRENCY = 100;

/**
 * A rabbit connection. There is none yet: {@link rabbitDriver}'s `connect` always rejects,
 * so no value of this type ever exists in this version.
 */
export type RabbitConnection = never;

/** The typed client of a rabbit pool (planned; not functional in this version). */
export interface RabbitClient {
  /**
   * Publish one message to an exchange; with `confirms_enabled` it would resolve on the broker's ack.
   *
   * Not functional yet: no rabbit connection can be opened in this version, so the call
   * rejects (with `NoWorkersError` from the pool, or the not-implemented error).
   */
  publish(exchange: string, routingKey: string, content: Uint8Array | string): Promise<void>;
}

/** The error every rabbit operation rejects with in this version. */
export function rabbitNotImplemented(what = 'connection'): OutpoolsError {
  return new OutpoolsError(
    NOT_IMPLEMENTED_CODE,
    `the rabbit ${what} is not implemented yet in this version of @outpools/driver-rabbit (only its configuration is validated)`,
  );
}

/** The worker mailbox limit of `max_worker_queue_len`; `undefined` for `"infinity"` (no limit). */
export function rabbitMaxQueue(options: RabbitConnectionOptions): number | undefined {
  return options.max_worker_queue_len === INFINITY ? undefined : options.max_worker_queue_len;
}

/**
 * The `rabbit` pool type (`[outgoing_pools.rabbit.<tag>]`). Register it to validate rabbit
 * sections; `maxQueue` already reports `max_worker_queue_len` to the pool. Publishing is not
 * implemented yet.
 *
 * @example
 * ```ts
 * import { checkConfig, DriverRegistry } from '@outpools/core';
 * import { rabbitDriver } from '@outpools/driver-rabbit';
 *
 * const result = checkConfig(`
 *   [outgoing_pools.rabbit.event_pusher.connection]
 *   host = "anotherhost"
 *   max_worker_queue_len = "infinity"
 * `, { registry: new DriverRegistry([rabbitDriver]) });
 * result.ok; // true
 * ```
 */
export const rabbitDriver = defineDriver({
  type: 'rabbit',
  packageName: '@outpools/driver-rabbit',
  connectionSchema: RabbitConnectionSchema,
  concurrency: () => RABBIT_CONCURRENCY,
  maxQueue: rabbitMaxQueue,
  connect: (): Promise<RabbitConnection> => Promise.reject(rabbitNotImplemented()),
  close: () => Promise.resolve(),
  ping: () => Promise.reject(rabbitNotImplemented('ping')),
  client: (pool: PoolHandle<RabbitConnection>): RabbitClient => ({
    publish: () =>
      pool.run(() => {
        throw rabbitNotImplemented('publish call');
      }),
  }),
});
