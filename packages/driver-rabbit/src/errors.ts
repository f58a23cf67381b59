/**
 * The rabbit pool type's own errors. Each extends the core's `OutpoolsError` with a stable code.
 * @module
 */
import { OutpoolsError, type OutpoolsErrorOptions, type PoolKey } from '@outpools/core/driver';

/** The codes of the rabbit errors. */
export const RabbitErrorCodes = {
  PublishNackedError: 'OUTPOOLS_PUBLISH_NACKED',
  RabbitChannelError: 'OUTPOOLS_RABBIT_CHANNEL',
  RabbitConnectError: 'OUTPOOLS_RABBIT_CONNECT',
  RabbitAccessRefusedError: 'OUTPOOLS_RABBIT_ACCESS_REFUSED',
  RabbitTopologyError: 'OUTPOOLS_RABBIT_TOPOLOGY',
} as const;

function keySuffix(key: PoolKey | undefined): string {
  return key ? ` (pool ${key.type}.${key.tag}@${key.host})` : '';
}

/**
 * The broker refused (nacked) a confirmed publish (`confirms_enabled = true`), e.g. a queue with
 * `x-overflow = "reject-publish"` that is full. The message was not taken: publish it again later.
 *
 * @example
 * ```ts
 * try {
 *   await rabbit.publish('events', 'user.created', payload);
 * } catch (error) {
 *   if (error instanceof PublishNackedError) scheduleRetry(payload);
 * }
 * ```
 */
export class PublishNackedError extends OutpoolsError {
  /** The exchange the message was published to. */
  readonly exchange: string;
  /** Its routing key. */
  readonly routingKey: string;
  constructor(exchange: string, routingKey: string, key?: PoolKey, options: OutpoolsErrorOptions = {}) {
    super(
      RabbitErrorCodes.PublishNackedError,
      `publish to exchange "${exchange}" (routing key "${routingKey}") nacked by the broker${keySuffix(key)}`,
      {
        ...options,
        ...(key && { poolKey: key }),
      },
    );
    this.exchange = exchange;
    this.routingKey = routingKey;
  }
}

/**
 * The broker closed the worker's channel because of this call (a publish to a missing exchange:
 * 404 NOT_FOUND; a declaration that contradicts an existing one: 406 PRECONDITION_FAILED...).
 * Only this call fails: the worker opens a new channel on the same connection and goes on.
 */
export class RabbitChannelError extends OutpoolsError {
  /** The AMQP reply code (404, 406, 403...), when the broker gave one. */
  readonly replyCode: number | undefined;
  constructor(message: string, replyCode: number | undefined, key?: PoolKey, options: OutpoolsErrorOptions = {}) {
    super(RabbitErrorCodes.RabbitChannelError, `${message}${keySuffix(key)}`, {
      ...options,
      ...(key && { poolKey: key }),
    });
    this.replyCode = replyCode;
  }
}

/** A connection to the broker could not be opened (network, TLS, handshake, vhost). */
export class RabbitConnectError extends OutpoolsError {
  /** The AMQP reply code of a refused handshake, when the broker gave one. */
  readonly replyCode: number | undefined;
  constructor(message: string, replyCode: number | undefined, options: OutpoolsErrorOptions = {}) {
    super(RabbitErrorCodes.RabbitConnectError, message, options);
    this.replyCode = replyCode;
  }
}

/**
 * The broker refused the login (403 ACCESS_REFUSED: wrong user name or password, or no access to
 * the virtual host). The message names the user and the server, never the password.
 */
export class RabbitAccessRefusedError extends OutpoolsError {
  constructor(message: string, options: OutpoolsErrorOptions = {}) {
    super(RabbitErrorCodes.RabbitAccessRefusedError, message, options);
  }
}

/** A declaration the pool cannot replay on every reconnect (an exclusive or server-named queue). */
export class RabbitTopologyError extends OutpoolsError {
  constructor(message: string, options: OutpoolsErrorOptions = {}) {
    super(RabbitErrorCodes.RabbitTopologyError, message, options);
  }
}

/** The numeric AMQP reply code amqplib attaches to its errors, if any. */
export function replyCodeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}
