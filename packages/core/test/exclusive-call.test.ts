import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeDriver } from '@outpools/testing';
import { CallTimeoutError, ConnectionLostError, type Strategy } from '@outpools/core';
import { poolSpec, poolsOf } from './engine-helpers.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function setup(strategy: Strategy, workers: number, concurrency: number) {
  const fake = createFakeDriver({ concurrency });
  const pools = poolsOf(fake.driver, [poolSpec({ strategy, workers, callTimeoutMs: 1000 })]);
  await pools.start();
  return { fake, pools, client: pools.get(fake.driver, 'global', 'default') };
}

describe('an exclusive call on a multiplexed worker', () => {
  it('waits for the running calls, holds later ones back and lets them start when it settles', async () => {
    const { fake, pools, client } = await setup('best_worker', 1, 3);
    const done: string[] = [];
    const track = <T>(p: Promise<{ value: T }>) => p.then((r) => done.push(String(r.value)));
    const a = track(client.call('a', { latencyMs: 100 }));
    const b = track(client.call('b', { latencyMs: 100 }));
    const x = track(client.call('x', { latencyMs: 50, exclusive: true }));
    const c = track(client.call('c', { latencyMs: 10 }));
    const received = () => fake.connections[0]!.received;
    expect(received()).toEqual(['a', 'b']); // x waits for a and b; c waits behind x although there is room
    expect(pools.stats()[0]!.load).toEqual([2 + 2 + 3]); // running, queued, and the hold counts the worker full
    await vi.advanceTimersByTimeAsync(100);
    expect(received()).toEqual(['a', 'b', 'x']);
    await vi.advanceTimersByTimeAsync(49);
    expect(received()).toEqual(['a', 'b', 'x']); // nothing starts beside it
    await vi.advanceTimersByTimeAsync(1);
    expect(received()).toEqual(['a', 'b', 'x', 'c']);
    await vi.advanceTimersByTimeAsync(10);
    await Promise.all([a, b, x, c]);
    expect(done).toEqual(['a', 'b', 'x', 'c']);
    expect(pools.stats()[0]!.load).toEqual([0]);
    await pools.stop();
  });

  it('makes best_worker send new calls to the other workers while it holds its worker', async () => {
    const { fake, pools, client } = await setup('best_worker', 2, 10);
    const x = client.call('x', { latencyMs: 100, exclusive: true });
    const holder = (await vi.waitFor(() => fake.connections.find((c) => c.received.includes('x'))))!.workerIndex;
    const others = Array.from({ length: 5 }, (_, i) => client.call(i, { latencyMs: 10 }));
    const results = await Promise.all([vi.advanceTimersByTimeAsync(10).then(() => Promise.all(others))]);
    expect(results[0]!.every((r) => r.workerIndex !== holder)).toBe(true);
    await vi.advanceTimersByTimeAsync(90);
    expect((await x).workerIndex).toBe(holder);
    await pools.stop();
  });

  it('releases its worker when it times out while still waiting, so the calls behind it start', async () => {
    const { fake, pools, client } = await setup('best_worker', 1, 2);
    const slow = client.call('slow', { latencyMs: 1500, ignoreSignal: true });
    const slowFailed = expect(slow).rejects.toBeInstanceOf(CallTimeoutError);
    const x = client.call('x', { latencyMs: 10, exclusive: true });
    const xFailed = expect(x).rejects.toBeInstanceOf(CallTimeoutError);
    await vi.advanceTimersByTimeAsync(500);
    const c = client.call('c', { latencyMs: 10 });
    expect(fake.connections[0]!.received).toEqual(['slow']);
    await vi.advanceTimersByTimeAsync(500); // x expires in the mailbox (never started)
    await xFailed;
    expect(fake.connections[0]!.received).toEqual(['slow', 'c']);
    await vi.advanceTimersByTimeAsync(10);
    expect((await c).value).toBe('c');
    await slowFailed;
    await vi.advanceTimersByTimeAsync(500);
    expect(fake.connections[0]!.received).not.toContain('x');
    await pools.stop();
  });

  it('holds its worker until its function settles, also after its caller gave up', async () => {
    const { fake, pools, client } = await setup('best_worker', 1, 2);
    const x = client.call('x', { latencyMs: 1200, ignoreSignal: true, exclusive: true });
    const xFailed = expect(x).rejects.toBeInstanceOf(CallTimeoutError);
    await vi.advanceTimersByTimeAsync(900);
    const c = client.call('c', { latencyMs: 10 });
    await vi.advanceTimersByTimeAsync(100);
    await xFailed;
    expect(fake.connections[0]!.received).toEqual(['x']); // like a rollback still running after a timeout
    await vi.advanceTimersByTimeAsync(200);
    expect(fake.connections[0]!.received).toEqual(['x', 'c']);
    await vi.advanceTimersByTimeAsync(10);
    expect((await c).value).toBe('c');
    await pools.stop();
  });

  it('is released by a lost connection: the calls waiting behind it run after the reconnect', async () => {
    const { fake, pools, client } = await setup('best_worker', 1, 2);
    const x = client.call('x', { latencyMs: 100, exclusive: true });
    const xLost = expect(x).rejects.toBeInstanceOf(ConnectionLostError);
    const c = client.call('c', { latencyMs: 10 });
    fake.kill(0);
    await xLost;
    expect(pools.stats()[0]).toMatchObject({ load: [0], queue: 1 }); // c waits for the reconnect; the hold is gone
    await vi.advanceTimersByTimeAsync(1000);
    await vi.waitFor(() => expect(fake.connections.length).toBe(2));
    await vi.advanceTimersByTimeAsync(10);
    expect((await c).connectionId).toBe(fake.connections[1]!.id);
    await pools.stop();
  });

  it('changes nothing at concurrency 1, where every call owns its worker', async () => {
    const { pools, client } = await setup('best_worker', 1, 1);
    const x = client.call('x', { latencyMs: 10, exclusive: true });
    const c = client.call('c', { latencyMs: 10 });
    expect(pools.stats()[0]!.load).toEqual([2]);
    await vi.advanceTimersByTimeAsync(20);
    expect([(await x).value, (await c).value]).toEqual(['x', 'c']);
    await pools.stop();
  });
});
