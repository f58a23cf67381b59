import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Redis as IoRedis } from 'ioredis';
import { CallTimeoutError, ConnectionLostError } from '@outpools/core';
import type { RedisClient } from '../src/client.js';
import { clientOf, redisToml, startPools, type Pools } from './helpers/pools.js';

const prefix = `outpools:autopipe:${process.pid}:${Date.now()}`;
const started: Pools[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()));
});

async function pool(options: Record<string, string | number>, autoPipelining = true): Promise<RedisClient> {
  const tag = `ap${started.length}`;
  const { pools } = await startPools(
    // the default when left out: on
    redisToml(tag, options, { host: '127.0.0.1', port: 6379, ...(!autoPipelining && { auto_pipelining: false }) }),
  );
  started.push(pools);
  return clientOf(pools, tag);
}

/** Count the writes that reach the worker's socket (system calls: `_write`/`_writev`) while `fn` runs. */
async function countWrites(client: RedisClient, fn: () => Promise<unknown>): Promise<number> {
  const stream = (await client.run(async (conn) => conn.stream)) as Socket & WritableInternals;
  const { _write: write, _writev: writev } = stream;
  let writes = 0;
  stream._write = function (this: Socket, ...args: Parameters<WritableInternals['_write']>) {
    writes += 1;
    return write.apply(this, args);
  };
  stream._writev = function (this: Socket, ...args: Parameters<WritableInternals['_writev']>) {
    writes += 1;
    return writev.apply(this, args);
  };
  try {
    await fn();
  } finally {
    stream._write = write;
    stream._writev = writev;
  }
  return writes;
}

/** The two methods through which a Writable hands data to its socket. */
interface WritableInternals {
  _write(chunk: unknown, encoding: BufferEncoding, callback: (error?: Error | null) => void): void;
  _writev(chunks: { chunk: unknown; encoding: BufferEncoding }[], callback: (error?: Error | null) => void): void;
}

describe('redis workers with auto_pipelining', () => {
  it('is on by default and sends the commands of one turn in one write; off: one write per command', async () => {
    const on = await pool({ workers: 1 });
    const burst = (client: RedisClient) => () =>
      Promise.all(Array.from({ length: 50 }, (_, i) => client.set(`${prefix}:w:${i}`, String(i))));
    expect(await countWrites(on, burst(on))).toBeLessThanOrEqual(3);
    const off = await pool({ workers: 1 }, false);
    expect(await countWrites(off, burst(off))).toBeGreaterThanOrEqual(50);
  });

  it('gives each command of a batch its own result or error', async () => {
    const client = await pool({ workers: 1 });
    const list = `${prefix}:list`;
    await client.rpush(list, 'a');
    const outcomes = await Promise.allSettled([
      client.set(`${prefix}:s`, 'v'),
      client.incr(list), // WRONGTYPE: only this one fails
      client.get(`${prefix}:s`),
      client.lrange(list, 0, -1),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/WRONGTYPE/);
    expect((outcomes[2] as PromiseFulfilledResult<unknown>).value).toBe('v');
    expect((outcomes[3] as PromiseFulfilledResult<unknown>).value).toEqual(['a']);
    await client.del(list, `${prefix}:s`);
  });

  it('keeps multi() atomic and pipeline() whole among auto-pipelined commands of other callers', async () => {
    const client = await pool({ workers: 1 });
    const a = `${prefix}:a`;
    const b = `${prefix}:b`;
    const noise = Array.from({ length: 100 }, () => client.incr(a));
    const tx = client.multi((m) => m.set(b, '0').incr(b).incr(b).get(b));
    const batch = client.pipeline((p) => p.set(`${b}:p`, 'x').incr(`${b}:p`).get(`${b}:p`));
    const [txResult, batchResult] = await Promise.all([tx, batch, ...noise]);
    expect(txResult).toEqual([
      [null, 'OK'],
      [null, 1],
      [null, 2],
      [null, '2'],
    ]);
    expect(batchResult?.[0]).toEqual([null, 'OK']);
    expect(String(batchResult?.[1]?.[0])).toMatch(/not an integer/);
    expect(batchResult?.[2]).toEqual([null, 'x']);
    expect(await client.get(a)).toBe('100');
    await client.del(a, b, `${b}:p`);
  });

  it('times out a command stuck in a batch behind a blocking one after exactly call_timeout, and the worker serves later calls', async () => {
    const client = await pool({ workers: 1, call_timeout: 300 });
    const key = `${prefix}:never`;
    // run() is not routed as a blocking call: BLPOP and GET go out in the same batch
    const blocked = client.run((c) => c.blpop(key, 1)).catch((e: unknown) => e);
    const t0 = Date.now();
    const stuck = await client.get(`${prefix}:x`).catch((e: unknown) => e);
    const elapsed = Date.now() - t0;
    expect(stuck).toBeInstanceOf(CallTimeoutError);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(900);
    expect(await blocked).toBeInstanceOf(CallTimeoutError);
    await new Promise((resolve) => setTimeout(resolve, 900)); // BLPOP's own 1 s timeout ends the block
    expect(await client.set(`${prefix}:after`, 'ok')).toBe('OK');
    await client.del(`${prefix}:after`);
  });

  it('runs a blocking command on a worker of its own: other calls go to the other workers meanwhile', async () => {
    const client = await pool({ workers: 2, call_timeout: 5000 });
    const key = `${prefix}:queue`;
    const popped = client.blpop(key, 3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 40 }, (_, i) => client.set(`${prefix}:k${i % 4}`, 'v')));
    expect(Date.now() - t0).toBeLessThan(1000);
    await client.rpush(key, 'job');
    expect(await popped).toEqual([key, 'job']);
    await client.del(key, ...[0, 1, 2, 3].map((i) => `${prefix}:k${i}`));
  });

  it('fails every command of a batch in flight with ConnectionLostError when the connection drops', async () => {
    const client = await pool({ workers: 1, call_timeout: 3000 });
    const id = await client.run((c) => c.client('ID'));
    const key = `${prefix}:lost`;
    // Settled at once: the killed connection may close before the KILL reply reaches the admin client.
    const settled = Promise.allSettled([
      client.run((c) => c.blpop(key, 2)),
      client.set(`${prefix}:w`, 'v'),
      client.incr(`${prefix}:n`),
    ]);
    const admin = new IoRedis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    await admin.connect();
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await admin.client('KILL', 'ID', String(id));
    } finally {
      admin.disconnect();
    }
    const outcomes = await settled;
    expect(outcomes).toHaveLength(3);
    for (const o of outcomes) {
      expect(o.status).toBe('rejected');
      expect((o as PromiseRejectedResult).reason).toBeInstanceOf(ConnectionLostError);
    }
  });
});
