/**
 * Open and close one worker's ioredis connection.
 *
 * ioredis is set up so that it never hides a dead server from the pool (see "Connection
 * behaviour" in packages/driver-redis/README.md): no offline queue, no retries per request, no reconnect loop
 * and no connect timer of its own (the core bounds every connect attempt through `ctx.signal`). When the connection breaks the
 * worker reports it with `ctx.lost()` and the pool reconnects with its backoff.
 * @module
 */
import type { Redis } from 'ioredis';
import type { ConnectContext } from '@outpools/core/driver';
import { formatPoolKey, messageOf } from '@outpools/core/driver';
import { verifyingConnector } from './connector.js';
import { redactRedisError } from './errors.js';
import { loadIoredis } from './load.js';
import type { RedisConnectionOptions } from './schema.js';

/** The connection object a redis worker holds: an ioredis client bound to one socket. */
export type RedisConnection = Redis;

const closing = new WeakSet<Redis>();

/** The `CLIENT SETNAME` of a worker's connection: `outpools:<type>.<tag>@<host>#<index>`. */
export function connectionName(ctx: Pick<ConnectContext, 'key' | 'workerIndex'>): string {
  return `outpools:${formatPoolKey(ctx.key)}#${ctx.workerIndex}`.replace(/[^\w.@#:/-]/g, '_');
}

/**
 * Open one connection: TCP (or TLS, verified before AUTH), AUTH when a password or username is
 * set, SELECT `database`. Rejects with an error that names the server but never the password.
 */
export async function openRedisConnection(options: RedisConnectionOptions, ctx: ConnectContext): Promise<Redis> {
  const where = `${options.host}:${options.port}`;
  ctx.signal.throwIfAborted();
  const ioredis = await loadIoredis();
  ctx.signal.throwIfAborted();
  const redis = new ioredis.Redis({
    host: options.host,
    port: options.port,
    db: options.database,
    ...(options.username !== undefined
      ? { username: options.username, password: options.password }
      : options.password !== ''
        ? { password: options.password }
        : {}),
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    reconnectOnError: null,
    autoResubscribe: false,
    autoResendUnfulfilledCommands: false,
    connectTimeout: 0, // no timer of its own: the core aborts the attempt (ctx.signal)
    connectionName: connectionName(ctx),
    disableClientInfo: true,
    // auto_pipelining groups the socket's writes instead (the connector): far cheaper per command
    enableAutoPipelining: false,
    Connector: verifyingConnector(ioredis, {
      host: options.host,
      port: options.port,
      tls: ctx.tls,
      verifyTls: (socket) => ctx.verifyTls(socket),
      batchWrites: options.auto_pipelining,
    }),
  });

  let live = false;
  let firstError: unknown;
  const lost = (error: unknown): void => {
    if (live && !closing.has(redis)) ctx.lost(error);
  };
  // Every event is handled: a connection error never becomes an unhandled 'error' event.
  redis.on('error', (error: unknown) => {
    redactRedisError(error);
    if (!live) firstError ??= error;
    lost(error);
  });
  redis.on('close', () => lost(new Error(`redis connection to ${where} closed`)));
  redis.on('end', () => lost(new Error(`redis connection to ${where} ended`)));

  const onAbort = (): void => {
    const reason: unknown = ctx.signal.reason;
    firstError ??= reason instanceof Error ? reason : new Error('connect aborted');
    redis.disconnect();
  };
  // The core bounds the whole attempt (TCP, TLS, AUTH, SELECT, ready check): its abort ends it.
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await redis.connect();
    // ioredis reports a failed SELECT with an 'error' event but still becomes ready.
    if (firstError !== undefined) throw firstError;
    if (redis.status !== 'ready') throw new Error(`connection is ${redis.status}`);
    ctx.signal.throwIfAborted();
    live = true;
    return redis;
  } catch (error) {
    closing.add(redis);
    redis.disconnect();
    const cause = redactRedisError(firstError ?? error);
    throw new Error(`redis connect to ${where} failed: ${messageOf(cause)}`, { cause });
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

/** Close a connection at once; never throws, also for a connection that is already broken. */
export async function closeRedisConnection(redis: Redis): Promise<void> {
  closing.add(redis);
  if (redis.status === 'end') return;
  const ended = new Promise<void>((resolve) => {
    redis.once('end', () => resolve());
  });
  try {
    redis.disconnect();
  } catch {
    // already closed
  }
  // Do not wait for the server's FIN (ioredis would keep a 2 s timer): the pool has drained.
  redis.stream?.destroy();
  await Promise.race([ended, new Promise<void>((resolve) => setTimeout(resolve, 100).unref())]);
}
