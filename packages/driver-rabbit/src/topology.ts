/**
 * The topology a pool declared (exchanges, queues, bindings), replayed on every new connection
 * so that a host application declares once, even across broker restarts.
 * @module
 */
import type { Channel } from 'amqplib';
import { RabbitTopologyError } from './errors.js';
import type { RabbitConnectionOptions } from './schema.js';

/** An AMQP table of arguments (`x-max-length`, `x-overflow`, `alternate-exchange`...). */
export type RabbitArguments = Readonly<Record<string, string | number | boolean | null>>;

/** The exchange types RabbitMQ ships with (plugins may add others). */
export type RabbitExchangeType = 'direct' | 'topic' | 'fanout' | 'headers' | (string & {});

/** Options of {@link RabbitClient.declareExchange}. */
export interface RabbitExchangeOptions {
  /** Survives a broker restart. Default true. */
  readonly durable?: boolean;
  /** Deleted when its last binding goes. Default false. */
  readonly autoDelete?: boolean;
  /** Only other exchanges may publish to it. Default false. */
  readonly internal?: boolean;
  /** Extra arguments, e.g. `{ 'alternate-exchange': 'unrouted' }`. */
  readonly arguments?: RabbitArguments;
}

/** Options of {@link RabbitClient.declareQueue}. */
export interface RabbitQueueOptions {
  /** Survives a broker restart. Default true. */
  readonly durable?: boolean;
  /** Deleted when its last consumer goes. Default false. */
  readonly autoDelete?: boolean;
  /** Extra arguments, e.g. `{ 'x-max-length': 1000, 'x-overflow': 'reject-publish' }`. */
  readonly arguments?: RabbitArguments;
}

/** One remembered declaration. */
export type Declaration =
  | { readonly kind: 'exchange'; readonly name: string; readonly type: string; readonly options: RabbitExchangeOptions }
  | { readonly kind: 'queue'; readonly name: string; readonly options: RabbitQueueOptions }
  | {
      readonly kind: 'queue-binding';
      readonly queue: string;
      readonly exchange: string;
      readonly routingKey: string;
      readonly arguments: RabbitArguments | undefined;
    }
  | {
      readonly kind: 'exchange-binding';
      readonly destination: string;
      readonly source: string;
      readonly routingKey: string;
      readonly arguments: RabbitArguments | undefined;
    };

function idOf(d: Declaration): string {
  switch (d.kind) {
    case 'exchange':
      return `e\0${d.name}`;
    case 'queue':
      return `q\0${d.name}`;
    case 'queue-binding':
      return `qb\0${d.queue}\0${d.exchange}\0${d.routingKey}\0${JSON.stringify(d.arguments ?? {})}`;
    case 'exchange-binding':
      return `eb\0${d.destination}\0${d.source}\0${d.routingKey}\0${JSON.stringify(d.arguments ?? {})}`;
  }
}

/** Run one declaration on a channel. */
export async function apply(channel: Channel, d: Declaration): Promise<unknown> {
  switch (d.kind) {
    case 'exchange':
      return channel.assertExchange(d.name, d.type, { ...d.options, arguments: { ...d.options.arguments } });
    case 'queue':
      return channel.assertQueue(d.name, { ...d.options, arguments: { ...d.options.arguments } });
    case 'queue-binding':
      return channel.bindQueue(
        d.queue,
        d.exchange,
        d.routingKey,
        d.arguments === undefined ? undefined : { ...d.arguments },
      );
    case 'exchange-binding':
      return channel.bindExchange(
        d.destination,
        d.source,
        d.routingKey,
        d.arguments === undefined ? undefined : { ...d.arguments },
      );
  }
}

/** The declarations of one pool, in the order they were first made (a repeat replaces in place). */
export class Topology {
  readonly #items = new Map<string, Declaration>();

  /** Remember a declaration that succeeded. */
  remember(d: Declaration): void {
    this.#items.set(idOf(d), d);
  }

  /** Every declaration, in order. */
  list(): Declaration[] {
    return [...this.#items.values()];
  }

  /** Replay every declaration on a fresh channel, one after the other. */
  async replay(channel: Channel): Promise<void> {
    for (const d of this.#items.values()) await apply(channel, d);
  }
}

/** Refuse a queue the pool could not replay on every connection. */
export function checkReplayableQueue(name: string): void {
  if (name === '') {
    throw new RabbitTopologyError(
      'declareQueue needs a queue name: a server-named queue cannot be declared again after a reconnect',
    );
  }
}

const topologies = new WeakMap<RabbitConnectionOptions, Topology>();

/** The topology of the pool whose connection options are `options` (one object per pool instance). */
export function topologyOf(options: RabbitConnectionOptions): Topology {
  let topology = topologies.get(options);
  if (topology === undefined) {
    topology = new Topology();
    topologies.set(options, topology);
  }
  return topology;
}
