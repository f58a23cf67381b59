/**
 * The typed client users call: `command()`, helpers for everyday commands, `pipeline()` and
 * `multi()`, all built on `pool.run()`.
 * @module
 */
import type { ChainableCommander, Redis } from 'ioredis';
import { ConnectionLostError, type CallContext, type PoolHandle, type RunOptions } from '@outpools/core/driver';
import { isBlockingCommand, runBlocking } from './blocking.js';
import { isConnectionGone } from './errors.js';

/** One argument of a Redis command. */
export type RedisArg = string | number | Buffer;

/** Per-call routing and cancellation. */
export interface RedisCallOptions {
  /** Route by key (hash_worker): the same key always goes to the same worker. */
  readonly hashKey?: string | number;
  /** The caller's own cancellation; the call rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** Options of {@link RedisClient.set}, Redis' own SET options. */
export interface RedisSetOptions {
  /** `EX`: expire after this many seconds. */
  readonly ex?: number;
  /** `PX`: expire after this many milliseconds. */
  readonly px?: number;
  /** `NX`: set only when the key does not exist. */
  readonly nx?: boolean;
  /** `XX`: set only when the key exists. */
  readonly xx?: boolean;
  /** `KEEPTTL`: keep the key's current time to live. */
  readonly keepTtl?: boolean;
}

/** What `pipeline()` and `multi()` resolve to: one `[error, result]` pair per queued command. */
export type RedisBatchResults = Array<[error: Error | null, result: unknown]>;

/** Queues commands on a pipeline or transaction: ioredis' chainable command API. */
export type RedisBatch = ChainableCommander;

/**
 * The client of a redis pool. Every method runs on one worker picked by the pool's strategy
 * (or by `hashKey`), bounded by the pool's `call_timeout`.
 *
 * @example
 * ```ts
 * const redis = pools.get(redisDriver, 'global', 'default');
 * await redis.set('greeting', 'hello', { ex: 60 });
 * const value = await redis.get('greeting');
 * const [[, n]] = await redis.multi((tx) => tx.incr('visits').expire('visits', 3600));
 * const user = redis.withOptions({ hashKey: 'user:42' });   // always the same worker
 * await user.hset('user:42', { name: 'Ada' });
 * ```
 */
export interface RedisClient {
  /** Any Redis command by name: `command('ZADD', 'scores', 10, 'ada')`. */
  command<T = unknown>(name: string, ...args: RedisArg[]): Promise<T>;
  /** This client with per-call options (`hashKey`, `signal`) applied to every call. */
  withOptions(options: RedisCallOptions): RedisClient;
  /** Run `fn` with one worker's ioredis connection (for commands without a helper). */
  run<R>(fn: (redis: Redis, ctx: CallContext) => Promise<R>): Promise<R>;
  /** Queue commands with `fn` and send them in one round trip on one worker. */
  pipeline(fn: (batch: RedisBatch) => unknown): Promise<RedisBatchResults>;
  /**
   * Queue commands with `fn` and run them as one MULTI/EXEC transaction on one worker.
   * Resolves `null` when the transaction was aborted (EXECABORT is a rejection).
   */
  multi(fn: (batch: RedisBatch) => unknown): Promise<RedisBatchResults | null>;
  /** `PING`. */
  ping(): Promise<string>;
  /** `GET key`; `null` when absent. */
  get(key: string): Promise<string | null>;
  /** `MGET key...`. */
  mget(...keys: string[]): Promise<Array<string | null>>;
  /** `SET key value [EX s | PX ms] [NX | XX] [KEEPTTL]`; `null` when NX/XX prevented it. */
  set(key: string, value: RedisArg, options?: RedisSetOptions): Promise<'OK' | null>;
  /** `DEL key...`: how many keys were removed. */
  del(...keys: string[]): Promise<number>;
  /** `EXISTS key...`: how many of the keys exist. */
  exists(...keys: string[]): Promise<number>;
  /** `INCR key`. */
  incr(key: string): Promise<number>;
  /** `INCRBY key increment`. */
  incrby(key: string, increment: number): Promise<number>;
  /** `DECR key`. */
  decr(key: string): Promise<number>;
  /** `EXPIRE key seconds`: 1 when set, 0 when the key does not exist. */
  expire(key: string, seconds: number): Promise<number>;
  /** `PEXPIRE key milliseconds`. */
  pexpire(key: string, milliseconds: number): Promise<number>;
  /** `TTL key` in seconds (-1 no expiry, -2 no key). */
  ttl(key: string): Promise<number>;
  /** `HGET key field`. */
  hget(key: string, field: string): Promise<string | null>;
  /** `HSET key field value` or `HSET key {field: value, ...}`: how many fields were added. */
  hset(key: string, field: string, value: RedisArg): Promise<number>;
  hset(key: string, fields: Readonly<Record<string, RedisArg>>): Promise<number>;
  /** `HGETALL key` as an object (`{}` when absent). */
  hgetall(key: string): Promise<Record<string, string>>;
  /** `HDEL key field...`. */
  hdel(key: string, ...fields: string[]): Promise<number>;
  /** `LPUSH key value...`: the new length. */
  lpush(key: string, ...values: RedisArg[]): Promise<number>;
  /** `RPUSH key value...`: the new length. */
  rpush(key: string, ...values: RedisArg[]): Promise<number>;
  /** `LPOP key`. */
  lpop(key: string): Promise<string | null>;
  /** `RPOP key`. */
  rpop(key: string): Promise<string | null>;
  /** `LRANGE key start stop`. */
  lrange(key: string, start: number, stop: number): Promise<string[]>;
  /**
   * `BLPOP key... timeout` (seconds, 0 = forever): `[key, value]`, or `null` on timeout.
   * It occupies its worker's connection until it returns; keep `timeout` under `call_timeout`:
   * when the call times out first, the worker drops its connection (it would stay blocked)
   * and reconnects. The same holds for blocking commands sent with `command()`.
   */
  blpop(keys: string | readonly string[], timeoutSeconds: number): Promise<[key: string, value: string] | null>;
  /** `SADD key member...`: how many were added. */
  sadd(key: string, ...members: RedisArg[]): Promise<number>;
  /** `SREM key member...`. */
  srem(key: string, ...members: RedisArg[]): Promise<number>;
  /** `SMEMBERS key`. */
  smembers(key: string): Promise<string[]>;
  /** `SISMEMBER key member`: 1 or 0. */
  sismember(key: string, member: RedisArg): Promise<number>;
  /** `PUBLISH channel message`: how many subscribers received it. */
  publish(channel: string, message: RedisArg): Promise<number>;
}

/** Translate ioredis' "connection is gone" errors into the pool's {@link ConnectionLostError}. */
function lostErrorMapper(pool: PoolHandle<Redis>): (error: unknown) => unknown {
  return (error) =>
    isConnectionGone(error) ? new ConnectionLostError('redis connection lost', pool.key, { cause: error }) : error;
}

function setArgs(options: RedisSetOptions | undefined): RedisArg[] {
  if (!options) return [];
  const args: RedisArg[] = [];
  if (options.ex !== undefined) args.push('EX', options.ex);
  if (options.px !== undefined) args.push('PX', options.px);
  if (options.nx) args.push('NX');
  if (options.xx) args.push('XX');
  if (options.keepTtl) args.push('KEEPTTL');
  return args;
}

async function runBatch(
  batch: ChainableCommander,
  fn: (batch: RedisBatch) => unknown,
): Promise<RedisBatchResults | null> {
  await fn(batch);
  return (await batch.exec()) as RedisBatchResults | null;
}

/** Build the typed client of a redis pool on top of its {@link PoolHandle}. */
export function createRedisClient(pool: PoolHandle<Redis>, callOptions: RedisCallOptions = {}): RedisClient {
  // The error mapper rides in the options (built once per client): no `.catch` promise and no
  // wrapper closure per call, the engine maps a rejection on its single failure path.
  const base: RunOptions = {
    ...(callOptions.hashKey !== undefined && { hashKey: callOptions.hashKey }),
    ...(callOptions.signal !== undefined && { signal: callOptions.signal }),
    mapError: lostErrorMapper(pool),
  };
  // Reads are safe to send again after a reconnect; writes are not retried.
  const read: RunOptions = { ...base, retryOnLost: true };
  // A blocking command owns its worker while it blocks: other calls go to other workers (or wait).
  const blocking: RunOptions = { ...base, exclusive: true };
  const exec = <R>(fn: (redis: Redis) => Promise<R>, options: RunOptions = base): Promise<R> => pool.run(fn, options);
  const execBlocking = <R>(send: (redis: Redis) => Promise<R>): Promise<R> =>
    pool.run((redis, ctx) => runBlocking(redis, ctx, () => send(redis)), blocking);

  const client: RedisClient = {
    command: <T>(name: string, ...args: RedisArg[]) =>
      isBlockingCommand(name, args)
        ? execBlocking((r) => r.call(name, ...args) as Promise<T>)
        : exec((r) => r.call(name, ...args) as Promise<T>),
    withOptions: (options) => createRedisClient(pool, { ...callOptions, ...options }),
    run: (fn) => pool.run(fn, base),
    pipeline: (fn) => exec(async (r) => (await runBatch(r.pipeline(), fn)) ?? []),
    multi: (fn) => exec((r) => runBatch(r.multi(), fn)),
    ping: () => exec((r) => r.ping(), read),
    get: (key) => pool.run((r) => r.get(key), read),
    mget: (...keys) => exec((r) => r.mget(...keys), read),
    set: (key, value, options) =>
      options === undefined
        ? pool.run((r) => r.set(key, value), base)
        : exec((r) => r.call('SET', key, value, ...setArgs(options)) as Promise<'OK' | null>),
    del: (...keys) => exec((r) => r.del(...keys)),
    exists: (...keys) => exec((r) => r.exists(...keys), read),
    incr: (key) => exec((r) => r.incr(key)),
    incrby: (key, increment) => exec((r) => r.incrby(key, increment)),
    decr: (key) => exec((r) => r.decr(key)),
    expire: (key, seconds) => exec((r) => r.expire(key, seconds)),
    pexpire: (key, milliseconds) => exec((r) => r.pexpire(key, milliseconds)),
    ttl: (key) => exec((r) => r.ttl(key), read),
    hget: (key, field) => exec((r) => r.hget(key, field), read),
    hset: (key: string, fieldOrFields: string | Readonly<Record<string, RedisArg>>, value?: RedisArg) =>
      exec((r) =>
        typeof fieldOrFields === 'string' ? r.hset(key, fieldOrFields, value ?? '') : r.hset(key, { ...fieldOrFields }),
      ),
    hgetall: (key) => exec((r) => r.hgetall(key), read),
    hdel: (key, ...fields) => exec((r) => r.hdel(key, ...fields)),
    lpush: (key, ...values) => exec((r) => r.lpush(key, ...values)),
    rpush: (key, ...values) => exec((r) => r.rpush(key, ...values)),
    lpop: (key) => exec((r) => r.lpop(key)),
    rpop: (key) => exec((r) => r.rpop(key)),
    lrange: (key, start, stop) => exec((r) => r.lrange(key, start, stop), read),
    blpop: (keys, timeoutSeconds) =>
      execBlocking(
        (r) =>
          r.call('BLPOP', ...(typeof keys === 'string' ? [keys] : keys), timeoutSeconds) as Promise<
            [string, string] | null
          >,
      ),
    sadd: (key, ...members) => exec((r) => r.sadd(key, ...members)),
    srem: (key, ...members) => exec((r) => r.srem(key, ...members)),
    smembers: (key) => exec((r) => r.smembers(key), read),
    sismember: (key, member) =>
      exec((r) => r.sismember(key, typeof member === 'number' ? String(member) : member), read),
    publish: (channel, message) =>
      exec((r) => r.publish(channel, typeof message === 'number' ? String(message) : message)),
  };
  return client;
}
