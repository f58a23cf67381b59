/**
 * Open and close one worker's connection: TCP or TLS, the AMQP handshake, the worker's channel,
 * then the pool's topology replayed on it.
 * @module
 */
import type { ChannelModel, SocketOptions } from 'amqplib';
import { formatPoolKey, messageOf, type ConnectContext } from '@outpools/core/driver';
import { RabbitConnection } from './connection.js';
import { RabbitAccessRefusedError, RabbitConnectError, replyCodeOf } from './errors.js';
import { loadAmqplib } from './load.js';
import type { RabbitConnectionOptions } from './schema.js';
import { amqpsOptions } from './tls.js';
import { topologyOf } from './topology.js';

/** AMQP reply codes of a refused login (403 ACCESS_REFUSED) or virtual host (530 NOT_ALLOWED). */
const REFUSED_CODES = new Set([403, 530]);
/** amqplib's message when the broker ends the handshake: `Handshake terminated by server: 403 (ACCESS-REFUSED) ...`. */
const HANDSHAKE_CODE = /Handshake terminated by server: (\d{3})/;
/** amqplib's message when the broker answers `connection.open` (the virtual host) with a close: 530 NOT_ALLOWED. */
const VHOST_REFUSED = /Expected ConnectionOpenOk; got <ConnectionClose/;

/**
 * The `connection_name` a worker shows in the broker's management UI and `rabbitmqctl
 * list_connections client_properties`: `outpools:<type>.<tag>@<host>#<index>`.
 *
 * @example
 * ```ts
 * connectionName({ key: { type: 'rabbit', tag: 'event_pusher', host: 'global' }, workerIndex: 2 });
 * // 'outpools:rabbit.event_pusher@global#2'
 * ```
 */
export function connectionName(ctx: Pick<ConnectContext, 'key' | 'workerIndex'>): string {
  return `outpools:${formatPoolKey(ctx.key)}#${ctx.workerIndex}`;
}

/** `amqp[s]://user@host:port/vhost`, the way errors name the broker (never with the password). */
export function brokerName(options: RabbitConnectionOptions, tls: boolean): string {
  const vhost = options.virtual_host === '/' ? '' : encodeURIComponent(options.virtual_host);
  return `${tls ? 'amqps' : 'amqp'}://${options.username}@${options.host}:${options.port}/${vhost}`;
}

/**
 * Open one worker's connection. Rejects with `RabbitAccessRefusedError` for a refused login or
 * virtual host, `RabbitConnectError` otherwise (or the core's `TlsPeerError`); no message holds
 * the password.
 */
export async function openRabbitConnection(
  options: RabbitConnectionOptions,
  ctx: ConnectContext,
): Promise<RabbitConnection> {
  const amqp = await loadAmqplib();
  ctx.signal.throwIfAborted();
  const tls = ctx.tls !== undefined;
  // The socket listens to this signal only while connecting: a pool that stops mid-connect
  // destroys it at once.
  const attempt = new AbortController();
  const onAbort = (): void => attempt.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  let model: ChannelModel | undefined;
  try {
    const tlsOptions = await amqpsOptions(options, ctx, attempt.signal);
    // `signal` reaches net.connect / tls.connect (amqplib passes its socket options through).
    const socketOptions: SocketOptions & { signal: AbortSignal } = {
      ...tlsOptions,
      noDelay: true,
      signal: attempt.signal,
      clientProperties: { connection_name: connectionName(ctx) },
    };
    model = await amqp.connect(
      {
        protocol: tls ? 'amqps' : 'amqp',
        hostname: options.host,
        port: options.port,
        username: options.username,
        password: options.password,
        vhost: options.virtual_host,
      },
      socketOptions,
    );
    model.on('error', () => undefined);
    const channel = options.confirms_enabled ? await model.createConfirmChannel() : await model.createChannel();
    channel.on('error', () => undefined);
    const topology = topologyOf(options);
    await topology.replay(channel);
    ctx.signal.throwIfAborted();
    return new RabbitConnection(model, channel, options.confirms_enabled, topology, ctx);
  } catch (error) {
    model?.close().catch(() => undefined);
    throw connectError(error, options, tls);
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

/** Close a worker's connection; never throws. */
export function closeRabbitConnection(connection: RabbitConnection): Promise<void> {
  return connection.close();
}

function connectError(error: unknown, options: RabbitConnectionOptions, tls: boolean): Error {
  if (error instanceof Error && (error as { code?: unknown }).code === 'OUTPOOLS_TLS_PEER') return error;
  const where = brokerName(options, tls);
  const detail = scrub(messageOf(error), options.password);
  const code = replyCodeOf(error) ?? Number(HANDSHAKE_CODE.exec(detail)?.[1] ?? Number.NaN);
  if (REFUSED_CODES.has(code)) {
    return new RabbitAccessRefusedError(
      `rabbit login to ${where} refused (${code}): check username and password; ${detail}`,
    );
  }
  if (VHOST_REFUSED.test(detail)) {
    return new RabbitAccessRefusedError(
      `rabbit login to ${where} refused (530 NOT_ALLOWED): virtual host "${options.virtual_host}" does not exist or user "${options.username}" may not open it`,
    );
  }
  return new RabbitConnectError(`rabbit connect to ${where} failed: ${detail}`, Number.isNaN(code) ? undefined : code, {
    cause: scrubbed(error, options.password),
  });
}

function scrub(text: string, secret: string): string {
  return secret.length >= 3 ? text.split(secret).join('***') : text;
}

/** The cause kept on the error: the library's error unless its message holds the password. */
function scrubbed(error: unknown, secret: string): unknown {
  return secret.length >= 3 && messageOf(error).includes(secret) ? undefined : error;
}
