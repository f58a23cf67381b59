/**
 * The rabbit pool type: amqplib connections, one per worker, each with one channel (a confirm
 * channel with `confirms_enabled`) that runs many publishes at once.
 * @module
 */
import { DEFAULT_RECONNECT, defineDriver, type ReconnectPolicy } from '@outpools/core/driver';
import { createRabbitClient } from './client.js';
import { closeRabbitConnection, openRabbitConnection } from './connect.js';
import { INFINITY, RabbitConnectionSchema, type RabbitConnectionOptions } from './schema.js';

/** How many calls one worker runs at once on its channel; the rest wait in its mailbox. */
export const RABBIT_CONCURRENCY = 100;

/**
 * The reconnect policy of `connection.reconnect`. MongooseIM's rabbit worker retries a failed
 * connect `attempts` times, `delay` ms apart, and then crashes (its supervisor starts a new one).
 * outpools never gives a worker up: its first `attempts` retries in a row come `delay` ms after
 * each failure, and later ones follow the pool's backoff (1 s doubling, capped at 30 s, full jitter).
 *
 * @example
 * ```ts
 * rabbitReconnect({ ...options, reconnect: { attempts: 5, delay: 1000 } });
 * // { kind: 'exponential', baseMs: 1000, capMs: 30000, firstRetries: { attempts: 5, delayMs: 1000 } }
 * ```
 */
export function rabbitReconnect(options: RabbitConnectionOptions): ReconnectPolicy {
  const { attempts, delay } = options.reconnect;
  return attempts === 0 ? DEFAULT_RECONNECT : { ...DEFAULT_RECONNECT, firstRetries: { attempts, delayMs: delay } };
}

/**
 * The engine's mailbox limit for `max_worker_queue_len` (`undefined` for `"infinity"`).
 *
 * When a worker's mailbox reaches the limit, the oldest requests are dropped until it is below
 * the limit again: the engine drops while the mailbox holds more than the value returned here, so
 * that value is one less than the limit (and 0 for a limit of 0: nothing waits).
 *
 * @example
 * ```ts
 * rabbitMaxQueue({ ...options, max_worker_queue_len: 1000 }); // 999: a mailbox keeps at most 999
 * rabbitMaxQueue({ ...options, max_worker_queue_len: 'infinity' }); // undefined: no limit
 * ```
 */
export function rabbitMaxQueue(options: RabbitConnectionOptions): number | undefined {
  const limit = options.max_worker_queue_len;
  return limit === INFINITY ? undefined : Math.max(0, limit - 1);
}

/**
 * The `rabbit` pool type (`[outgoing_pools.rabbit.<tag>]`). Register it with the core's registry;
 * `pools.get(rabbitDriver, host, tag)` then returns a {@link RabbitClient}.
 *
 * @example
 * ```ts
 * import { createPools, DriverRegistry, parseConfig } from '@outpools/core';
 * import { rabbitDriver } from '@outpools/driver-rabbit';
 *
 * const registry = new DriverRegistry([rabbitDriver]);
 * const config = parseConfig(`
 *   [outgoing_pools.rabbit.event_pusher]
 *   workers = 4
 *   [outgoing_pools.rabbit.event_pusher.connection]
 *   host = "127.0.0.1"
 *   confirms_enabled = true
 * `, { registry });
 * const pools = createPools(config, { registry });
 * await pools.start();
 * const rabbit = pools.get(rabbitDriver, 'global', 'event_pusher');
 * await rabbit.declareExchange('events', 'topic');
 * await rabbit.publish('events', 'user.created', '{"id":1}');
 * await pools.stop();
 * ```
 */
export const rabbitDriver = defineDriver({
  type: 'rabbit',
  packageName: '@outpools/driver-rabbit',
  connectionSchema: RabbitConnectionSchema,
  concurrency: () => RABBIT_CONCURRENCY,
  maxQueue: rabbitMaxQueue,
  reconnect: rabbitReconnect,
  connect: openRabbitConnection,
  close: closeRabbitConnection,
  ping: (connection) => connection.ping(),
  client: createRabbitClient,
});
