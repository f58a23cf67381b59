import { inspect } from 'node:util';
import { callContext } from '@outpools/core/driver';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { ConnectionLostError } from '@outpools/core';
import { redisDriver } from '@outpools/driver-redis';
import { createRedisClient } from '../src/client.js';
import { connectionOptions, directContext, singleConnectionHandle } from './helpers/direct.js';
import { closeAfterEach, until } from '@outpools/testing';
import { freePort, redisExtra, type RedisExtraInfo } from './helpers/servers.js';

const track = closeAfterEach((redis: Redis) => redisDriver.close(redis));
const connect = async (input: Parameters<typeof connectionOptions>[0], ctx = directContext()): Promise<Redis> =>
  track(await redisDriver.connect(connectionOptions(input), ctx));

let extra: RedisExtraInfo;
beforeAll(async () => {
  extra = await redisExtra();
});
const prefix = `outpools:test:${process.pid}:${Date.now()}`;

describe('redis connection (driver without the engine)', () => {
  it('runs everyday commands through the typed helpers', async () => {
    const redis = createRedisClient(singleConnectionHandle(await connect({})));
    const k = (s: string) => `${prefix}:${s}`;
    expect(await redis.ping()).toBe('PONG');
    expect(await redis.set(k('s'), 'v1')).toBe('OK');
    expect(await redis.get(k('s'))).toBe('v1');
    expect(await redis.set(k('s'), 'v2', { nx: true })).toBeNull();
    expect(await redis.set(k('px'), 'x', { px: 60_000 })).toBe('OK');
    expect(await redis.ttl(k('px'))).toBeGreaterThan(50);
    expect(await redis.set(k('ex'), 'x', { ex: 100, xx: false })).toBe('OK');
    expect(await redis.ttl(k('ex'))).toBeGreaterThan(90);
    expect(await redis.mget(k('s'), k('absent'))).toEqual(['v1', null]);
    expect(await redis.incr(k('n'))).toBe(1);
    expect(await redis.incrby(k('n'), 5)).toBe(6);
    expect(await redis.decr(k('n'))).toBe(5);
    expect(await redis.expire(k('n'), 100)).toBe(1);
    expect(await redis.pexpire(k('absent'), 100)).toBe(0);
    expect(await redis.hset(k('h'), 'a', '1')).toBe(1);
    expect(await redis.hset(k('h'), { b: '2', c: 3 })).toBe(2);
    expect(await redis.hget(k('h'), 'c')).toBe('3');
    expect(await redis.hgetall(k('h'))).toEqual({ a: '1', b: '2', c: '3' });
    expect(await redis.hdel(k('h'), 'a')).toBe(1);
    expect(await redis.rpush(k('l'), 'b', 'c')).toBe(2);
    expect(await redis.lpush(k('l'), 'a')).toBe(3);
    expect(await redis.lrange(k('l'), 0, -1)).toEqual(['a', 'b', 'c']);
    expect(await redis.lpop(k('l'))).toBe('a');
    expect(await redis.rpop(k('l'))).toBe('c');
    expect(await redis.blpop(k('l'), 1)).toEqual([k('l'), 'b']);
    expect(await redis.sadd(k('set'), 'x', 'y', 'x')).toBe(2);
    expect((await redis.smembers(k('set'))).sort()).toEqual(['x', 'y']);
    expect(await redis.sismember(k('set'), 'y')).toBe(1);
    expect(await redis.srem(k('set'), 'y')).toBe(1);
    expect(await redis.publish(`${prefix}:chan`, 'hello')).toBe(0);
    expect(await redis.command('STRLEN', k('s'))).toBe(2);
    expect(await redis.exists(k('s'), k('h'), k('absent'))).toBe(2);
    expect(await redis.del(k('s'), k('px'), k('ex'), k('n'), k('h'), k('l'), k('set'))).toBe(6);
  });

  it('sends a pipeline in one batch and a transaction with MULTI/EXEC', async () => {
    const redis = createRedisClient(singleConnectionHandle(await connect({})));
    const key = `${prefix}:batch`;
    const piped = await redis.pipeline((p) => p.set(key, '1').incr(key).get(key));
    expect(piped).toEqual([
      [null, 'OK'],
      [null, 2],
      [null, '2'],
    ]);
    const tx = await redis.multi((m) => m.incr(key).expire(key, 10));
    expect(tx).toEqual([
      [null, 3],
      [null, 1],
    ]);
    const failed = await redis.pipeline((p) => p.hget(key, 'f'));
    expect(failed?.[0]?.[0]).toBeInstanceOf(Error);
    expect(failed?.[0]?.[0]?.message).toMatch(/WRONGTYPE/);
    await redis.del(key);
  });

  it('selects the configured database', async () => {
    const key = `${prefix}:db`;
    const db3 = createRedisClient(singleConnectionHandle(await connect({ database: 3 })));
    const db0 = createRedisClient(singleConnectionHandle(await connect({ database: 0 })));
    await db3.set(key, 'in-3', { ex: 60 });
    expect(await db3.get(key)).toBe('in-3');
    expect(await db0.get(key)).toBeNull();
    const info = await db3.command<string>('CLIENT', 'INFO');
    expect(info).toMatch(/\bdb=3\b/);
    await db3.del(key);
  });

  it('fails the connect when the server has no such database', async () => {
    await expect(connect({ database: 4096 })).rejects.toThrow(/DB index is out of range/);
  });

  it('authenticates with the password', async () => {
    const redis = createRedisClient(
      singleConnectionHandle(await connect({ port: extra.port, password: extra.password })),
    );
    expect(await redis.command('ACL', 'WHOAMI')).toBe('default');
  });

  it('fails AUTH with a wrong password and never shows the password', async () => {
    const password = 'wrong-secret-7f3a';
    const error = await connect({ port: extra.port, password }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/WRONGPASS|invalid password|invalid username-password/);
    expect(inspect(error, { depth: 10 })).not.toContain(password);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(password);
  });

  it('authenticates as an ACL user with username and password', async () => {
    const redis = createRedisClient(
      singleConnectionHandle(await connect({ port: extra.port, username: extra.aclUser, password: extra.aclPassword })),
    );
    expect(await redis.command('ACL', 'WHOAMI')).toBe(extra.aclUser);
  });

  it('refuses an ACL user with the wrong password without showing it', async () => {
    const error = await connect({ port: extra.port, username: extra.aclUser, password: 'nope-1234' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(/WRONGPASS/);
    expect(inspect(error, { depth: 10 })).not.toContain('nope-1234');
  });

  it('fails the connect when the server wants a password and none is configured', async () => {
    await expect(connect({ port: extra.port })).rejects.toThrow(/NOAUTH/);
  });

  it('fails the connect at once when nothing listens on the port', async () => {
    const port = await freePort();
    const started = Date.now();
    await expect(connect({ port })).rejects.toThrow(/ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('names its connection after the pool and worker', async () => {
    const redis = await connect({}, directContext({ workerIndex: 7 }));
    expect(await redis.client('GETNAME')).toBe('outpools:redis.test@global#7');
  });

  it('reports the connection lost when the server drops it, and later calls fail with ConnectionLostError', async () => {
    const ctx = directContext({ workerIndex: 3 });
    const victim = await connect({}, ctx);
    const id = await victim.client('ID');
    const killer = await connect({});
    await killer.client('KILL', 'ID', String(id));
    await until(() => ctx.lostErrors.length > 0, 2000, 'lost()');
    const client = createRedisClient(singleConnectionHandle(victim));
    await expect(client.get(`${prefix}:x`)).rejects.toBeInstanceOf(ConnectionLostError);
  });

  it('does not report a connection it closed itself as lost', async () => {
    const ctx = directContext();
    const redis = await redisDriver.connect(connectionOptions({}), ctx);
    await redisDriver.close(redis);
    expect(redis.status).toBe('end');
    await redisDriver.close(redis);
    expect(ctx.lostErrors).toEqual([]);
  });

  it('pings with PING', async () => {
    const redis = await connect({});
    await expect(redisDriver.ping(redis, callContext({ key: directContext().key }))).resolves.toBe('PONG');
  });
});
