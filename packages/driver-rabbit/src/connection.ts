/**
 * One worker's link to the broker: an amqplib connection and its one channel (a confirm channel
 * with `confirms_enabled`). A channel the broker closes (a publish to a missing exchange, a
 * conflicting declaration) is reopened on the same connection and fails only the call that
 * caused it; a connection that closes is reported to the pool (`ctx.lost`), which reconnects.
 * @module
 */
import type { Channel, ChannelModel, ConfirmChannel, Options } from 'amqplib';
import {
  ConnectionLostError,
  messageOf,
  type CallContext,
  type ConnectContext,
  type PoolKey,
} from '@outpools/core/driver';
import { PublishNackedError, RabbitChannelError, replyCodeOf } from './errors.js';
import { apply, type Declaration, type Topology } from './topology.js';
import type { RabbitClient } from './client.js';

/** Message properties of one publish (amqplib's names; see the driver README). */
export interface RabbitPublishOptions {
  /** Delivery mode 2: the broker writes the message to disk (for durable queues). */
  readonly persistent?: boolean;
  readonly contentType?: string;
  readonly contentEncoding?: string;
  /** Application headers. */
  readonly headers?: Readonly<Record<string, string | number | boolean | null>>;
  readonly priority?: number;
  readonly correlationId?: string;
  readonly replyTo?: string;
  /** Per-message TTL in ms. */
  readonly expiration?: string | number;
  readonly messageId?: string;
  /** Seconds since the epoch. */
  readonly timestamp?: number;
  readonly type?: string;
  readonly appId?: string;
}

/** A confirmed publish waiting for the broker's ack. */
interface Pending {
  readonly exchange: string;
  readonly routingKey: string;
  readonly content: Buffer;
  readonly options: RabbitPublishOptions | undefined;
  resolve(): void;
  reject(error: unknown): void;
  /** Sent again once already after a channel error it did not cause. */
  resent: boolean;
  /** Its call was aborted while it waited to be sent: it is not sent. */
  aborted: boolean;
}

/** What the broker said when it closed the channel. */
interface ChannelFault {
  readonly error: Error;
  /** The exchange named in the broker's message, when there is one. */
  readonly exchange: string | undefined;
  /** True when the broker closed the channel over a `basic.publish`. */
  readonly byPublish: boolean;
}

const BASIC_CLASS = 60;
const EXCHANGE_IN_MESSAGE = /exchange '((?:[^'\\]|\\.)*)'/;
const NACKED = 'message nacked';

/**
 * One worker's connection. Publishes run many at a time on its channel; declarations and health
 * round trips are RPCs on the same channel. Applications use the pool's {@link RabbitClient};
 * this is what `pool.run()` hands to a function.
 *
 * @example
 * ```ts
 * const pool = pools.pool('rabbit', 'global', 'event_pusher');
 * const blocked = await pool.run((connection) => (connection as RabbitConnection).blocked);
 * ```
 */
export class RabbitConnection {
  /** The broker sent `connection.blocked` (a resource alarm) and no `connection.unblocked` since. */
  blocked = false;
  readonly #model: ChannelModel;
  readonly #confirms: boolean;
  readonly #key: PoolKey;
  readonly #topology: Topology;
  readonly #ctx: ConnectContext;
  #channel: Channel | undefined = undefined;
  #closed = false;
  /** Work waiting for a channel (while one reopens) or for the RPCs in flight (no confirms). */
  #waiting: Array<() => void> = [];
  /**
   * Outstanding RPCs. Publishes made while one runs wait for it: a publish that follows a
   * declaration finds what was declared, and (without confirms) no publish is written on a
   * channel that the RPC may get closed.
   */
  #rpcs = 0;
  /** Without confirms: exchanges known to exist, and checks in flight. */
  readonly #known = new Set<string>(['']);
  readonly #checking = new Map<string, Promise<void>>();
  /** Without confirms: publishes waiting for the channel's buffer to drain. */
  #drains: Array<{ resolve(): void; reject(error: unknown): void }> = [];
  /** With confirms: publishes the closed channel left unconfirmed. */
  #orphans: Pending[] = [];
  #fault: ChannelFault | undefined = undefined;

  /** @internal Built by the driver's `connect`. */
  constructor(model: ChannelModel, channel: Channel, confirms: boolean, topology: Topology, ctx: ConnectContext) {
    this.#model = model;
    this.#confirms = confirms;
    this.#key = ctx.key;
    this.#topology = topology;
    this.#ctx = ctx;
    model.on('error', () => undefined); // 'close' follows and carries the error
    model.on('close', (error?: Error) => {
      if (this.#closed) return;
      this.#closed = true;
      this.#ctx.lost(error ?? new Error('the broker closed the connection'));
    });
    model.on('blocked', (reason: string) => {
      this.blocked = true;
      this.#ctx.blocked(reason);
    });
    model.on('unblocked', () => {
      this.blocked = false;
      this.#ctx.unblocked();
    });
    this.#attach(channel);
  }

  /** True while the worker uses a confirm channel. */
  get confirms(): boolean {
    return this.#confirms;
  }

  /**
   * Publish one message: resolves when the broker acks it (confirms) or when it is written
   * (no confirms); rejects with `PublishNackedError` on a nack, `RabbitChannelError` when the
   * broker closed the channel over it, `ConnectionLostError` when the connection broke.
   * `ctx` is the call's context: a publish that has to wait (a declaration runs, the channel
   * reopens) and whose call is aborted meanwhile (`call_timeout`) is never sent.
   */
  publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options?: RabbitPublishOptions,
    ctx?: CallContext,
  ): Promise<void> | undefined {
    const channel = this.#channel;
    if (this.#confirms) {
      return new Promise<void>((resolve, reject) => {
        const pending: Pending = {
          exchange,
          routingKey,
          content,
          options,
          resolve,
          reject,
          resent: false,
          aborted: false,
        };
        if (channel === undefined || this.#rpcs > 0) {
          ctx?.onAbort(() => {
            pending.aborted = true;
          });
          this.#later(() => this.#send(pending));
        } else this.#sendOn(channel, pending);
      });
    }
    if (!this.#known.has(exchange)) return this.#checkThenPublish(exchange, routingKey, content, options, ctx);
    if (channel === undefined || this.#rpcs > 0) {
      return new Promise<void>((resolve, reject) => {
        let aborted = false;
        ctx?.onAbort((reason) => {
          aborted = true;
          reject(reason);
        });
        this.#later(() => {
          if (!aborted)
            Promise.resolve(this.publish(exchange, routingKey, content, options, ctx)).then(resolve, reject);
        });
      });
    }
    let written: boolean;
    try {
      written = channel.publish(exchange, routingKey, content, options as Options.Publish | undefined);
    } catch (error) {
      return Promise.reject(this.#closedError(error));
    }
    if (written) return undefined;
    return new Promise<void>((resolve, reject) => this.#drains.push({ resolve, reject }));
  }

  /**
   * Run one RPC on the channel (declare, bind, passive check). A failure the broker answers by
   * closing the channel rejects with `RabbitChannelError`; the channel is then reopened.
   */
  async rpc<R>(fn: (channel: Channel) => Promise<R>, ctx?: CallContext): Promise<R> {
    this.#rpcs += 1; // at once: publishes made from now on wait for this RPC
    try {
      let aborted: unknown;
      if (this.#channel === undefined) {
        ctx?.onAbort((reason) => {
          aborted = reason ?? new Error('aborted');
        });
      }
      const channel = await this.#ready();
      if (aborted !== undefined) throw aborted; // its call gave up while the channel reopened: not sent
      return await fn(channel);
    } catch (error) {
      throw this.#closedError(error);
    } finally {
      this.#rpcs -= 1;
      if (this.#rpcs === 0 && this.#channel !== undefined) this.#flush();
    }
  }

  /**
   * Declare (or bind) and remember it, so that every new connection of the pool replays it.
   * `ctx`: a declaration whose call is aborted while the channel reopens is not sent.
   */
  async declare(d: Declaration, ctx?: CallContext): Promise<unknown> {
    const result = await this.rpc((channel) => apply(channel, d), ctx);
    this.#topology.remember(d);
    if (d.kind === 'exchange') this.#known.add(d.name);
    return result;
  }

  /** The health round trip: a passive declare of a built-in exchange. */
  ping(): Promise<unknown> {
    return this.rpc((channel) => channel.checkExchange('amq.direct'));
  }

  /** Close the connection; never throws, also for a connection that is already broken. */
  async close(): Promise<void> {
    const wasClosed = this.#closed;
    this.#closed = true;
    const lost = new ConnectionLostError('connection closed', this.#key);
    this.#failAll(lost);
    if (wasClosed) return this.#destroySocket();
    try {
      await this.#model.close();
    } catch {
      // already closed or closing
    }
    this.#destroySocket();
  }

  #destroySocket(): void {
    const stream = (this.#model.connection as { stream?: { destroy?(): void } }).stream;
    stream?.destroy?.();
  }

  #checkThenPublish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: RabbitPublishOptions | undefined,
    ctx: CallContext | undefined,
  ): Promise<void> {
    let check = this.#checking.get(exchange);
    if (check === undefined) {
      check = this.rpc((channel) => channel.checkExchange(exchange)).then(
        () => {
          this.#known.add(exchange);
          this.#checking.delete(exchange);
        },
        (error: unknown) => {
          this.#checking.delete(exchange);
          throw error;
        },
      );
      this.#checking.set(exchange, check);
    }
    let aborted: unknown;
    ctx?.onAbort((reason) => {
      aborted = reason ?? new Error('aborted');
    });
    return check.then(() =>
      aborted === undefined ? this.publish(exchange, routingKey, content, options, ctx) : Promise.reject(aborted),
    );
  }

  #send(pending: Pending): void {
    if (pending.aborted) return;
    const channel = this.#channel;
    if (channel === undefined || this.#rpcs > 0) this.#later(() => this.#send(pending));
    else this.#sendOn(channel, pending);
  }

  #sendOn(channel: Channel, pending: Pending): void {
    try {
      (channel as ConfirmChannel).publish(
        pending.exchange,
        pending.routingKey,
        pending.content,
        pending.options as Options.Publish | undefined,
        (error: unknown) => this.#confirmed(pending, error),
      );
    } catch (error) {
      pending.reject(this.#closedError(error));
    }
  }

  #confirmed(pending: Pending, error: unknown): void {
    if (error === null || error === undefined) pending.resolve();
    else if (error instanceof Error && error.message === NACKED) {
      pending.reject(new PublishNackedError(pending.exchange, pending.routingKey, this.#key));
    } else this.#orphans.push(pending); // the channel closed: decided once the close is known
  }

  #attach(channel: Channel): void {
    this.#channel = channel;
    this.#fault = undefined;
    channel.on('error', (error: Error) => {
      const exchange = EXCHANGE_IN_MESSAGE.exec(error.message)?.[1];
      const classId = (error as { classId?: unknown }).classId;
      this.#fault = { error, exchange, byPublish: classId === BASIC_CLASS };
    });
    channel.on('drain', () => {
      const drains = this.#drains;
      this.#drains = [];
      for (const d of drains) d.resolve();
    });
    channel.on('close', () => {
      if (this.#channel !== channel) return;
      this.#channel = undefined;
      // The connection's own 'close' comes later in the same turn when the whole connection went.
      queueMicrotask(() => this.#afterChannelClose());
    });
  }

  #afterChannelClose(): void {
    const fault = this.#fault;
    const orphans = this.#orphans;
    this.#orphans = [];
    const drains = this.#drains;
    this.#drains = [];
    if (this.#closed) {
      const lost = new ConnectionLostError('connection lost', this.#key, fault ? { cause: fault.error } : {});
      for (const p of orphans) p.reject(lost);
      for (const d of drains) d.reject(lost);
      return;
    }
    const failure = this.#channelError(fault);
    for (const d of drains) d.reject(failure);
    if (fault?.byPublish && fault.exchange !== undefined) this.#known.delete(fault.exchange);
    for (const p of orphans) {
      const caused = fault?.byPublish === true && (fault.exchange === undefined || fault.exchange === p.exchange);
      if (caused || p.resent || p.aborted) p.reject(failure);
      else {
        p.resent = true;
        this.#later(() => this.#send(p));
      }
    }
    this.#reopen();
  }

  #reopen(): void {
    const opening = this.#confirms ? this.#model.createConfirmChannel() : this.#model.createChannel();
    opening.then(
      (channel) => {
        if (this.#closed) {
          channel.close().catch(() => undefined);
          return;
        }
        this.#attach(channel);
        this.#flush();
      },
      (error: unknown) => {
        if (this.#closed) return;
        this.#closed = true;
        this.#failAll(new ConnectionLostError('cannot reopen the channel', this.#key, { cause: error }));
        this.#ctx.lost(error);
      },
    );
  }

  /** A channel to run an RPC on (waits while one reopens). */
  #ready(): Promise<Channel> {
    const channel = this.#channel;
    if (channel !== undefined) return Promise.resolve(channel);
    if (this.#closed) return Promise.reject(new ConnectionLostError('connection closed', this.#key));
    return new Promise<Channel>((resolve, reject) => {
      this.#later(() => {
        const next = this.#channel;
        if (next === undefined) reject(new ConnectionLostError('connection closed', this.#key));
        else resolve(next);
      });
    });
  }

  #later(work: () => void): void {
    this.#waiting.push(work);
  }

  #flush(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const work of waiting) work();
  }

  #failAll(error: unknown): void {
    this.#waiting = [];
    const drains = this.#drains;
    this.#drains = [];
    for (const d of drains) d.reject(error);
    const orphans = this.#orphans;
    this.#orphans = [];
    for (const p of orphans) p.reject(error);
  }

  #channelError(fault: ChannelFault | undefined): RabbitChannelError {
    const message = fault ? fault.error.message : 'the broker closed the channel';
    return new RabbitChannelError(message, replyCodeOf(fault?.error), this.#key, fault ? { cause: fault.error } : {});
  }

  /** The error of an operation on a channel that closed under it. */
  #closedError(error: unknown): unknown {
    if (this.#closed) return new ConnectionLostError('connection lost', this.#key, { cause: error });
    if (error instanceof RabbitChannelError || error instanceof ConnectionLostError) return error;
    const code = replyCodeOf(error);
    if (code !== undefined || this.#channel === undefined) {
      return new RabbitChannelError(messageOf(error), code, this.#key, { cause: error });
    }
    return error;
  }
}
