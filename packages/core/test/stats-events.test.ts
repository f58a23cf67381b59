import { describe, it, expect, vi, afterEach, beforeEach } from 'vitest';
import diagnostics from 'node:diagnostics_channel';
import { createFakeDriver } from '@outpools/testing';
import { LatencyRecorder } from '../src/engine/stats.js';
import { PoolEvents } from '../src/engine/events.js';
import { POOL_EVENTS, type PoolEventName } from '@outpools/core';
import { poolSpec, poolsOf } from './engine-helpers.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('LatencyRecorder', () => {
  it('reports p50, p99 and max within the bucket precision', () => {
    const recorder = new LatencyRecorder();
    expect(recorder.summary()).toEqual({ count: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 });
    for (let i = 1; i <= 1000; i++) recorder.record(i / 10); // 0.1 .. 100 ms
    const s = recorder.summary();
    expect(s.count).toBe(1000);
    expect(s.maxMs).toBe(100);
    expect(s.p50Ms).toBeGreaterThanOrEqual(50);
    expect(s.p50Ms).toBeLessThan(50 * 1.13);
    expect(s.p99Ms).toBeGreaterThanOrEqual(99);
    expect(s.p99Ms).toBeLessThanOrEqual(100);
    recorder.record(-1);
    recorder.record(Number.NaN);
    recorder.record(1e12);
    expect(recorder.summary().maxMs).toBeCloseTo(2147483.647);
  });

  it('is exact for sub-16-microsecond values', () => {
    const recorder = new LatencyRecorder();
    recorder.record(0.005);
    expect(recorder.quantile(1)).toBe(0.005);
  });
});

describe('stats', () => {
  it('counts calls, successes, failures, timeouts and reconnects, with latency and per-worker load', async () => {
    const fake = createFakeDriver({ reconnect: { kind: 'fixed', intervalMs: 10 } });
    const pools = poolsOf(fake.driver, [poolSpec({ workers: 2, callTimeoutMs: 500 })]);
    await pools.start();
    const client = pools.get(fake.driver, 'global', 'default');
    const ok = client.call('ok', { latencyMs: 100 });
    const bad = client.call('bad', { latencyMs: 20, fail: new Error('nope') }).catch((e: unknown) => e);
    const slow = client.call('slow', { hang: true }).catch((e: unknown) => e);
    expect(pools.stats()[0]).toMatchObject({
      workers: { live: 2, total: 2, busy: 2 },
      load: [2, 1],
      queue: 0,
      pending: 1,
    });
    await vi.advanceTimersByTimeAsync(500);
    await Promise.all([ok, bad, slow]);
    fake.kill(1);
    await vi.advanceTimersByTimeAsync(10);
    const stats = pools.stats()[0]!;
    expect(stats.key).toEqual({ type: 'fake', host: 'global', tag: 'default' });
    expect(stats.counters).toEqual({ calls: 3, successes: 1, failures: 2, timeouts: 1, drops: 0, reconnects: 1 });
    expect(stats.latency.count).toBe(3);
    expect(stats.latency.maxMs).toBe(500);
    expect(stats.latency.p50Ms).toBeGreaterThanOrEqual(100);
    await pools.stop();
  });
});

describe('health', () => {
  it('pings every live worker through its mailbox and reports the round trip', async () => {
    const fake = createFakeDriver();
    const pools = poolsOf(fake.driver, [poolSpec({ workers: 3, callTimeoutMs: 300 })]);
    await pools.start();
    const [healthy] = await pools.health();
    expect(healthy).toMatchObject({ key: { type: 'fake', host: 'global', tag: 'default' }, ok: true });
    expect(fake.counts.pings).toBe(3);
    fake.behavior.pingMode = 'hang';
    const pending = pools.health();
    await vi.advanceTimersByTimeAsync(300);
    const [hung] = await pending;
    expect(hung).toMatchObject({ ok: false, error: 'call timed out after 300 ms (pool fake.default@global)' });
    expect(hung!.ms).toBeGreaterThanOrEqual(300);
    // a health ping that ran and failed takes its worker down (engine/liveness.ts); it reconnects
    expect(pools.stats()[0]!.workers.live).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(pools.stats()[0]!.workers.live).toBe(3);
    fake.behavior.pingMode = 'fail';
    expect((await pools.health())[0]).toMatchObject({ ok: false, error: 'fake ping failed' });
    expect(pools.stats()[0]!.workers.live).toBe(0);
    expect(pools.stats()[0]!.counters.calls).toBe(0);
    await pools.stop();
    expect((await pools.pool('fake', 'global', 'default').health()).ok).toBe(false);
  });

  it('reports a pool with no live worker as unhealthy', async () => {
    const fake = createFakeDriver({ connectFailures: 10 });
    const pools = poolsOf(fake.driver, [poolSpec({ workers: 1 })]);
    await pools.start();
    expect((await pools.health())[0]).toMatchObject({
      ok: false,
      ms: 0,
      error: 'no live worker (pool fake.default@global)',
    });
    await pools.stop();
  });
});

describe('events', () => {
  it('emits connect, disconnect, reconnect_attempt, call_timeout and close_error, also on diagnostics channels', async () => {
    const fake = createFakeDriver({ connectFailures: 1, reconnect: { kind: 'fixed', intervalMs: 50 } });
    const pools = poolsOf(fake.driver, [poolSpec({ workers: 1, callTimeoutMs: 100 })]);
    const seen: string[] = [];
    const published: string[] = [];
    for (const name of POOL_EVENTS) pools.events.on(name, () => seen.push(name));
    const subscribers = POOL_EVENTS.map((name) => {
      const fn = (): void => {
        published.push(name);
      };
      diagnostics.subscribe(`outpools:${name}`, fn);
      return [name, fn] as const;
    });
    try {
      await pools.start();
      await vi.advanceTimersByTimeAsync(50);
      const client = pools.get(fake.driver, 'global', 'default');
      const timedOut = client.call('x', { hang: true }).catch(() => undefined);
      await vi.advanceTimersByTimeAsync(100);
      await timedOut;
      fake.behavior.closeMode = 'reject';
      fake.kill(0);
      await vi.advanceTimersByTimeAsync(0);
      const expected: PoolEventName[] = [
        'reconnect_attempt',
        'connect',
        'call',
        'call_timeout',
        'disconnect',
        'reconnect_attempt',
        'close_error',
      ];
      expect(seen).toEqual(expected);
      expect(published).toEqual(expected);
    } finally {
      for (const [name, fn] of subscribers) diagnostics.unsubscribe(`outpools:${name}`, fn);
      await pools.stop();
    }
  });

  it('times calls only while someone listens to call: wait in the mailbox, use on the worker, connect time', async () => {
    const fake = createFakeDriver();
    const pools = poolsOf(fake.driver, [poolSpec({ workers: 1, callTimeoutMs: 1000 })]);
    const connects: number[] = [];
    pools.events.on('connect', (e) => connects.push(e.durationMs));
    await pools.start();
    expect(connects).toHaveLength(1);
    expect(connects[0]).toBeGreaterThanOrEqual(0);
    const pool = pools.pool('fake', 'global', 'default');
    expect(pools.events.timing).toBe(false);
    const client = pools.get(fake.driver, 'global', 'default');
    const untimed = client.call('a', { latencyMs: 100 }); // nobody listens: no event
    await vi.advanceTimersByTimeAsync(100);
    await untimed;
    const calls: { waitMs: number; useMs?: number; worker?: number; failed: boolean }[] = [];
    const listener = (e: (typeof calls)[number]): void => {
      calls.push(e);
    };
    pools.events.on('call', listener);
    expect(pools.events.timing).toBe(true);
    const first = client.call('b', { latencyMs: 100 });
    const second = client.call('c', { latencyMs: 100, fail: new Error('no') }).catch(() => undefined);
    await vi.advanceTimersByTimeAsync(200);
    await Promise.all([first, second]);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ worker: 0, failed: false });
    expect(calls[0]!.waitMs).toBeLessThan(5);
    expect(calls[0]!.useMs).toBeGreaterThanOrEqual(100);
    expect(calls[1]).toMatchObject({ worker: 0, failed: true });
    expect(calls[1]!.waitMs).toBeGreaterThanOrEqual(100);
    expect(calls[1]!.useMs).toBeGreaterThanOrEqual(100);
    pools.events.off('call', listener);
    expect(pools.events.timing).toBe(false);
    expect(pool.stats().counters.calls).toBe(3);
    await pools.stop();
  });

  it('counts call listeners through on, once, off and removeAllListeners (timing is a field read)', () => {
    const events = new PoolEvents();
    const listener = (): void => {};
    expect(events.timing).toBe(false);
    events.on('call', listener).on('call', listener);
    expect(events.timing).toBe(true);
    events.off('call', listener);
    expect(events.timing).toBe(true);
    events.off('call', listener);
    expect(events.timing).toBe(false);
    events.once('call', listener);
    expect(events.timing).toBe(true);
    events.emit('call', { key: { type: 't', host: 'global', tag: 'x' }, waitMs: 0, failed: false });
    expect(events.timing).toBe(false);
    events.on('call', listener);
    events.removeAllListeners('call');
    expect(events.timing).toBe(false);
    events.on('call', listener);
    events.removeAllListeners();
    expect(events.timing).toBe(false);
    events.on('call', listener); // counted again after a removal of everything
    expect(events.timing).toBe(true);
    events.removeAllListeners('newListener');
    events.on('call', listener);
    expect(events.listenerCount('call')).toBe(2);
    expect(events.timing).toBe(true);
    events.removeAllListeners('call');
    expect(events.timing).toBe(false);
  });

  it('keeps working when a listener throws', async () => {
    const fake = createFakeDriver();
    const pools = poolsOf(fake.driver, [poolSpec({ workers: 1 })]);
    pools.events.on('connect', () => {
      throw new Error('listener bug');
    });
    expect((await pools.start()).ok).toBe(true);
    await pools.stop();
  });

  it('never puts a connection password in an event', async () => {
    const fake = createFakeDriver({ connectFailures: 1 });
    const pools = poolsOf(fake.driver, [
      poolSpec({ workers: 1, connection: { label: 'fake', password: 's3cret-pw' } }),
    ]);
    const payloads: unknown[] = [];
    for (const name of POOL_EVENTS) pools.events.on(name, (e: unknown) => payloads.push(e));
    await pools.start();
    await vi.advanceTimersByTimeAsync(2000);
    expect(payloads.length).toBeGreaterThan(0);
    expect(JSON.stringify(payloads)).not.toContain('s3cret-pw');
    await pools.stop();
  });
});
