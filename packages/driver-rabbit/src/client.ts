/**
 * The typed client of a rabbit pool, built on `pool.run()`.
 * @module
 */
import type { PoolHandle } from '@outpools/core/driver';
import type { RabbitConnection, RabbitPublishOptions } from './connection.js';
import {
  checkReplayableQueue,
  topologyOf,
  type RabbitArguments,
  type RabbitExchangeOptions,
  type RabbitExchangeType,
  type RabbitQueueOptions,
} from './topology.js';
import type { RabbitConnectionOptions } from './schema.js';

/** What the broker says about a declared queue. */
export interface RabbitQueueInfo {
  readonly queue: string;
  readonly messageCount: number;
  readonly consumerCount: number;
}

/**
 * The typed client of a rabbit pool (`pools.get(rabbitDriver, host, tag)`). Every call runs on one
 * worker's channel, chosen by the pool's strategy, and is bounded by `call_timeout`.
 *
 * Declarations (`declareExchange`, `declareQueue`, `bindQueue`, `bindExchange`) are remembered
 * by the pool and replayed on every new connection of every worker: declare once at start-up.
 */
export interface RabbitClient {
  /**
   * Publish one message. With `confirms_enabled` it resolves when the broker acks the message
   * and rejects with `PublishNackedError` on a nack; without, it resolves once the message is
   * written to the connection. A publish to a missing exchange rejects with `RabbitChannelError`
   * (the worker reopens its channel and goes on).
   *
   * @example
   * ```ts
   * const rabbit = pools.get(rabbitDriver, 'global', 'event_pusher');
   * await rabbit.publish('presence', 'user.online', JSON.stringify({ user: 'alice' }), { contentType: 'application/json' });
   * ```
   */
  publish(
    exchange: string,
    routingKey: string,
    content: Uint8Array | string,
    options?: RabbitPublishOptions,
  ): Promise<void>;
  /**
   * Declare an exchange (idempotent; a different type or flags for an existing name rejects with
   * `RabbitChannelError` 406).
   *
   * @example
   * ```ts
   * await rabbit.declareExchange('presence', 'topic', { durable: true });
   * ```
   */
  declareExchange(name: string, type: RabbitExchangeType, options?: RabbitExchangeOptions): Promise<void>;
  /**
   * Declare a named queue (idempotent). Exclusive and server-named queues are not offered: the
   * pool could not declare them again on every connection.
   *
   * @example
   * ```ts
   * const info = await rabbit.declareQueue('presence.audit', { arguments: { 'x-max-length': 10000 } });
   * info.messageCount; // messages ready in the queue
   * ```
   */
  declareQueue(name: string, options?: RabbitQueueOptions): Promise<RabbitQueueInfo>;
  /**
   * Bind a queue to an exchange.
   *
   * @example
   * ```ts
   * await rabbit.bindQueue('presence.audit', 'presence', 'user.*');
   * ```
   */
  bindQueue(queue: string, exchange: string, routingKey: string, args?: RabbitArguments): Promise<void>;
  /**
   * Bind an exchange to another (messages published to `source` are routed to `destination`).
   *
   * @example
   * ```ts
   * await rabbit.bindExchange('presence.copy', 'presence', '#');
   * ```
   */
  bindExchange(destination: string, source: string, routingKey: string, args?: RabbitArguments): Promise<void>;
}

const EXCHANGE_DEFAULTS: RabbitExchangeOptions = { durable: true, autoDelete: false, internal: false };
const QUEUE_DEFAULTS: RabbitQueueOptions = { durable: true, autoDelete: false };

function toBuffer(content: Uint8Array | string): Buffer {
  if (typeof content === 'string') return Buffer.from(content);
  return Buffer.isBuffer(content) ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
}

/**
 * Build the client of one pool instance (what `rabbitDriver.client` does; `pools.get()` calls it).
 *
 * @example
 * ```ts
 * const rabbit = createRabbitClient(pools.pool('rabbit', 'global', 'event_pusher'), connectionOptions);
 * ```
 */
export function createRabbitClient(pool: PoolHandle<RabbitConnection>, options: RabbitConnectionOptions): RabbitClient {
  topologyOf(options); // the pool's topology exists from the start: connects replay into the same one
  return {
    publish(exchange, routingKey, content, publishOptions) {
      const body = toBuffer(content);
      return pool.run((connection, ctx) => connection.publish(exchange, routingKey, body, publishOptions, ctx));
    },
    async declareExchange(name, type, exchangeOptions) {
      const d = { kind: 'exchange', name, type, options: { ...EXCHANGE_DEFAULTS, ...exchangeOptions } } as const;
      await pool.run((connection, ctx) => connection.declare(d, ctx));
    },
    async declareQueue(name, queueOptions) {
      checkReplayableQueue(name);
      const d = { kind: 'queue', name, options: { ...QUEUE_DEFAULTS, ...queueOptions } } as const;
      const reply = (await pool.run((connection, ctx) => connection.declare(d, ctx))) as RabbitQueueInfo;
      return { queue: reply.queue, messageCount: reply.messageCount, consumerCount: reply.consumerCount };
    },
    async bindQueue(queue, exchange, routingKey, args) {
      const d = { kind: 'queue-binding', queue, exchange, routingKey, arguments: args } as const;
      await pool.run((connection, ctx) => connection.declare(d, ctx));
    },
    async bindExchange(destination, source, routingKey, args) {
      const d = { kind: 'exchange-binding', destination, source, routingKey, arguments: args } as const;
      await pool.run((connection, ctx) => connection.declare(d, ctx));
    },
  };
}
