import { describe, it, expect, vi, afterEach, beforeEach } from 'vitest';
import { createFakeDriver } from '@outpools/testing';
import { PoolNotFoundError, PoolStartError, PoolStoppedError, createPools, DriverRegistry } from '@outpools/core';
import { configOf, instanceSpec, poolSpec, poolsOf } from './engine-helpers.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('stop', () => {
  it('refuses new calls, lets running and queued calls finish, then closes every connection', async () => {
    const fake = createFakeDriver();
    const pools = poolsOf(fake.driver, [poolSpec({ workers: 2, callTimeoutMs: 5000 })], { drainTimeoutMs: 1000 });
    await pools.start();
    const client = pools.get(fake.driver, 'global', 'default');
    const calls = Array.from({ length: 4 }, (_, i) => client.call(i, { latencyMs: 200 }));
    let stopped = false;
    const stopping = pools.stop().then(() => (stopped = true));
    await expect(client.call('late')).rejects.toBeInstanceOf(PoolStoppedError);
    await vi.advanceTimersByTimeAsync(200);
    expect(stopped).toBe(false);
    expect(fake.counts.closes).toBe(0);
    await vi.advanceTimersByTimeAsync(200);
    await stopping;
    expect((await Promise.all(calls)).map((r) => r.value)).toEqual([0, 1, 2, 3]);
    expect(fake.counts.closes).toBe(2);
    expect(fake.connections.every((c) => c.closed)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fails what is still running or queued at the drain deadline with PoolStoppedError', async () => {
    const fake = createFakeDriver();
    const pools = poolsOf(fake.driver, [poolSpec({ workers: 1, callTimeoutMs: 60_000 })], { drainTimeoutMs: 500 });
    await pools.start();
    const client = pools.get(fake.driver, 'global', 'default');
    let signal: AbortSignal | undefined;
    const running = pools
      .pool('fake', 'global', 'default')
      .run((_c, ctx) => {
        signal = ctx.signal;
        return new Promise(() => {});
      })
      .catch((e: unknown) => e);
    const queued = client.call('queued').catch((e: unknown) => e);
    const stopping = pools.stop();
    await vi.advanceTimersByTimeAsync(500);
    await stopping;
    expect(await running).toBeInstanceOf(PoolStoppedError);
    expect(await queued).toBeInstanceOf(PoolStoppedError);
    expect(signal?.aborted).toBe(true);
    expect(fake.connections[0]!.received).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('makes a second stop a no-op and supports await using', async () => {
    const fake = createFakeDriver({ connectFailures: 100 });
    const pools = poolsOf(fake.driver, [poolSpec({ workers: 2 })]);
    await pools.start();
    expect(vi.getTimerCount()).toBe(2); // two reconnect timers
    await pools[Symbol.asyncDispose]();
    await pools.stop();
    expect(vi.getTimerCount()).toBe(0);
    await expect(pools.start()).rejects.toBeInstanceOf(PoolStoppedError);
    expect(fake.counts.connectAttempts).toBe(2);
  });

  it('does not let a close that never settles hold stop() forever', async () => {
    const fake = createFakeDriver({ closeMode: 'hang' });
    const pools = poolsOf(fake.driver, [poolSpec({ workers: 2, callTimeoutMs: 400 })]);
    await pools.start();
    const errors: string[] = [];
    pools.events.on('close_error', (e) => errors.push(e.error));
    let stopped = false;
    const stopping = pools.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(399);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await stopping;
    expect(errors).toEqual(['close timed out after 400 ms', 'close timed out after 400 ms']);
  });

  it('closes a connection that completes after stop began', async () => {
    const fake = createFakeDriver({ connectDelayMs: 100 });
    const pools = poolsOf(fake.driver, [poolSpec({ workers: 1 })]);
    void pools.start();
    await vi.advanceTimersByTimeAsync(50);
    await pools.stop();
    expect(fake.counts.connects).toBe(0); // the attempt was aborted through ctx.signal
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('start', () => {
  it('reports the state at the time of a second start()', async () => {
    const fake = createFakeDriver({ connectFailures: 1, reconnect: { kind: 'fixed', intervalMs: 100 } });
    const pools = poolsOf(fake.driver, [poolSpec({ workers: 1 })]);
    expect((await pools.start()).ok).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(await pools.start()).toEqual({
      ok: true,
      instances: [{ key: { type: 'fake', host: 'global', tag: 'default' }, live: 1, workers: 1 }],
    });
    expect(fake.counts.connectAttempts).toBe(2);
    await pools.stop();
  });

  it('rejects with PoolStartError naming the dead pool when requireLive is set, after stopping', async () => {
    const fake = createFakeDriver({ connectFailures: 100 });
    const pools = poolsOf(fake.driver, [poolSpec({ workers: 1 })]);
    await expect(pools.start({ requireLive: true })).rejects.toThrow(PoolStartError);
    await expect(pools.start()).rejects.toBeInstanceOf(PoolStoppedError);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops waiting when the start signal aborts, while the pool keeps connecting', async () => {
    const fake = createFakeDriver({ connectDelayMs: 1000 });
    const pools = poolsOf(fake.driver, [poolSpec({ workers: 1, callTimeoutMs: 5000 })]);
    const controller = new AbortController();
    const started = pools.start({ signal: controller.signal }).catch((e: unknown) => e);
    controller.abort(new Error('give up'));
    expect(await started).toMatchObject({ message: 'give up' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(pools.stats()[0]!.workers.live).toBe(1);
    await expect(pools.start({ signal: AbortSignal.abort(new Error('already')) })).rejects.toThrow('already');
    await pools.stop();
  });
});

describe('lookup and run-time instances', () => {
  it('finds a host pool, falls back to the global one, never to another tag', async () => {
    const fake = createFakeDriver();
    const registry = new DriverRegistry([fake.driver]);
    const config = configOf(
      [poolSpec({ workers: 1 }), poolSpec({ tag: 'per_host', scope: 'host', workers: 1 })],
      ['a.com', 'b.com'],
    );
    const pools = createPools(config, { registry, random: () => 0 });
    await pools.start();
    expect(pools.keys().map((k) => `${k.tag}@${k.host}`)).toEqual([
      'default@global',
      'per_host@a.com',
      'per_host@b.com',
    ]);
    expect(pools.pool('fake', 'a.com', 'per_host').key.host).toBe('a.com');
    expect(pools.pool('fake', 'a.com', 'default').key.host).toBe('global');
    expect(() => pools.pool('fake', 'c.com', 'per_host')).toThrow(PoolNotFoundError);
    expect(() => pools.get('fake', 'global', 'other')).toThrow(PoolNotFoundError);
    const client = pools.get(fake.driver, 'a.com', 'default');
    expect(pools.get('fake', 'b.com', 'default')).toBe(client);
    await pools.stop();
  });

  it('adds and removes an instance at run time', async () => {
    const fake = createFakeDriver();
    const pools = poolsOf(fake.driver, [poolSpec({ workers: 1 })]);
    await pools.start();
    const report = await pools.startInstance(instanceSpec({ tag: 'extra', workers: 2, instanceHost: 'new.host' }));
    expect(report).toEqual({ key: { type: 'fake', host: 'new.host', tag: 'extra' }, live: 2, workers: 2 });
    const extra = pools.get(fake.driver, 'new.host', 'extra');
    expect((await extra.call('hi')).value).toBe('hi');
    await expect(pools.startInstance(instanceSpec({ tag: 'extra', instanceHost: 'new.host' }))).rejects.toThrow(
      'already exists',
    );
    await pools.stopInstance({ type: 'fake', host: 'new.host', tag: 'extra' });
    await pools.stopInstance({ type: 'fake', host: 'new.host', tag: 'extra' });
    expect(() => pools.pool('fake', 'new.host', 'extra')).toThrow(PoolNotFoundError);
    await expect(extra.call('after')).rejects.toBeInstanceOf(PoolStoppedError);
    expect(fake.counts.closes).toBe(2);
    expect(pools.stats()).toHaveLength(1);
    await pools.stop();
    await expect(pools.startInstance(instanceSpec({ tag: 'late' }))).rejects.toBeInstanceOf(PoolStoppedError);
  });
});
