/**
 * Open and close one worker's ioredis connection.
 *
 * ioredis is set up so that it never hides a dead server from the pool (spec 5.2): no offline
 * queue, no retries per request, no reconnect loop of its own. When the connection breaks the
 * worker reports it with `ctx.lost()` and the pool reconnects with its backoff.
 * @module
 */
import { Redis } from 'ioredis';
import type { ConnectContext } from '@outpools/core/driver';
import { formatPoolKey } from '@outpools/core/driver';
import { verifyingConnector } from './connector.js';
import { messageOf, redactRedisError } from './errors.js';
import type { RedisConnectionOptions } from './schema.js';

/** How long one connection attempt (TCP, TLS, AUTH, SELECT, ready check) may take. */
export const CONNECT_TIMEOUT_MS = 10_000;

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
  const redis = new Redis({
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
    connectTimeout: CONNECT_TIMEOUT_MS,
    connectionName: connectionName(ctx),
    disableClientInfo: true,
    Connector: verifyingConnector({
      host: options.host,
      port: options.port,
      tls: ctx.tls,
      verifyTls: (socket) => ctx.verifyTls(socket),
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
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
    firstError ??= new Error('connect aborted: the pool is stopping');
    redis.disconnect();
  };
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  // ioredis' connectTimeout covers the TCP connect only; a server that accepts and then stays
  // silent would hold the handshake (AUTH, SELECT, INFO) forever. Bound the whole attempt.
  const timer = setTimeout(() => {
    firstError ??= new Error(`no ready connection within ${CONNECT_TIMEOUT_MS} ms`);
    redis.disconnect();
  }, CONNECT_TIMEOUT_MS);
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
    clearTimeout(timer);
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
