// The dead-connection policy (engine/liveness.ts, docs/lifecycle.md "Dead connections"): what
// makes a worker suspect, how it is probed, and what a failed probe does.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeDriver, type FakeDriverOptions } from '@outpools/testing';
import { CallTimeoutError, ConnectionLostError, OutpoolsError, type DisconnectEvent } from '@outpools/core';
import { poolSpec, poolsOf } from './engine-helpers.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const CALL_TIMEOUT = 1000;

async function setup(options: FakeDriverOptions = {}, workers = 1) {
  const fake = createFakeDriver({ reconnect: { kind: 'fixed', intervalMs: 100 }, ...options });
  const pools = poolsOf(fake.driver, [poolSpec({ workers, callTimeoutMs: CALL_TIMEOUT })]);
  await pools.start();
  const disconnects: DisconnectEvent[] = [];
  pools.events.on('disconnect', (e) => disconnects.push(e));
  const client = pools.get(fake.driver, 'global', 'default');
  const live = (): number => pools.stats()[0]!.workers.live;
  return { fake, pools, client, disconnects, live };
}

describe('a running call abandoned at call_timeout', () => {
  it('probes the worker once the call gives its slot back, and keeps it when the ping answers', async () => {
    const { fake, pools, client, disconnects, live } = await setup();
    const hung = client.call('hung', { hang: true }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(CALL_TIMEOUT);
    expect(await hung).toBeInstanceOf(CallTimeoutError);
    expect(fake.counts.pings).toBe(1);
    expect(disconnects).toEqual([]);
    expect(live()).toBe(1);
    await expect(client.call('next')).resolves.toMatchObject({ value: 'next' });
    await pools.stop();
  });

  it('declares the connection lost when the stuck call keeps its only slot past the probe bound (the stuck call is the evidence)', async () => {
    const { fake, pools, client, disconnects, live } = await setup({ liveness: { probeTimeoutMs: 300 } });
    const stuck = client.call('stuck', { latencyMs: 60_000, ignoreSignal: true }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(CALL_TIMEOUT);
    expect(await stuck).toBeInstanceOf(CallTimeoutError);
    const queued = client.call('queued');
    await vi.advanceTimersByTimeAsync(299);
    expect(disconnects).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(disconnects).toHaveLength(1);
    expect(disconnects[0]!.error).toMatch(
      /^no answer to a liveness probe within 300 ms \(a running call was abandoned at call_timeout\)/,
    );
    expect(fake.counts.pings).toBe(0); // never sent behind the stuck call
    expect(fake.connections[0]!.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    expect(live()).toBe(1);
    // the call queued behind the stuck one was handed back and ran on the new connection
    await expect(queued).resolves.toMatchObject({ value: 'queued', connectionId: 1 });
    await pools.stop();
  });

  it('probes beside the stuck calls when the driver has room, and declares the connection lost when the ping hangs', async () => {
    const { fake, pools, client, disconnects } = await setup({ concurrency: 4, liveness: { probeTimeoutMs: 200 } });
    const stuck = client.call('stuck', { latencyMs: 60_000, ignoreSignal: true }).catch((e: unknown) => e);
    fake.behavior.pingMode = 'hang';
    await vi.advanceTimersByTimeAsync(CALL_TIMEOUT);
    expect(await stuck).toBeInstanceOf(CallTimeoutError);
    expect(fake.counts.pings).toBe(1);
    const running = client.call('running', { hang: true }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(200);
    expect(disconnects).toHaveLength(1);
    expect(await running).toBeInstanceOf(ConnectionLostError);
    await pools.stop();
  });

  it('declares the connection lost when the probe fails, naming the ping error', async () => {
    const { fake, pools, client, disconnects } = await setup({ concurrency: 2 });
    fake.behavior.pingMode = 'fail';
    const stuck = client.call('stuck', { latencyMs: 60_000, ignoreSignal: true }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(CALL_TIMEOUT);
    expect(await stuck).toBeInstanceOf(CallTimeoutError);
    expect(disconnects.map((d) => d.error)).toEqual([
      'liveness probe failed: fake ping failed (a running call was abandoned at call_timeout) (pool fake.default@global)',
    ]);
    await pools.stop();
  });
});

describe('repeated timeouts', () => {
  it('make a worker suspect after suspectAfterTimeouts calls timed out in its mailbox', async () => {
    const { pools, client, disconnects } = await setup({ liveness: { suspectAfterTimeouts: 2, probeTimeoutMs: 300 } });
    // a call its caller gave up on (no timeout: no suspicion) keeps the only slot
    const abort = new AbortController();
    const stuck = client.call('stuck', { latencyMs: 60_000, ignoreSignal: true, signal: abort.signal });
    abort.abort(new Error('caller gave up'));
    await expect(stuck).rejects.toThrow('caller gave up');
    const first = client.call('first').catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(CALL_TIMEOUT);
    expect(await first).toBeInstanceOf(CallTimeoutError);
    await vi.advanceTimersByTimeAsync(1000);
    expect(disconnects).toEqual([]);
    const second = client.call('second').catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(CALL_TIMEOUT);
    expect(await second).toBeInstanceOf(CallTimeoutError);
    await vi.advanceTimersByTimeAsync(300);
    expect(disconnects.map((d) => d.error)).toEqual([
      'no answer to a liveness probe within 300 ms (2 calls timed out) (pool fake.default@global)',
    ]);
    await pools.stop();
  });

  it('count a driver’s own *_TIMEOUT errors, and a probe that answers clears the count', async () => {
    const { fake, pools, client, disconnects } = await setup({ liveness: { suspectAfterTimeouts: 3 } });
    const timeout = new OutpoolsError('OUTPOOLS_FAKE_TIMEOUT', 'fake request timed out');
    for (let i = 0; i < 2; i++) await expect(client.call(i, { fail: timeout })).rejects.toBe(timeout);
    expect(fake.counts.pings).toBe(0);
    await expect(client.call(2, { fail: new Error('other') })).rejects.toThrow('other');
    await expect(client.call(3, { fail: timeout })).rejects.toBe(timeout);
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.counts.pings).toBe(1);
    for (let i = 0; i < 2; i++) await expect(client.call(i, { fail: timeout })).rejects.toBe(timeout);
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.counts.pings).toBe(1);
    fake.behavior.pingMode = 'fail';
    await expect(client.call(5, { fail: timeout })).rejects.toBe(timeout);
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.counts.pings).toBe(2);
    expect(disconnects).toHaveLength(1);
    await pools.stop();
  });
});

describe('keepalive on a busy worker', () => {
  it('probes a worker whose oldest call has run for a whole keepalive interval, and declares it lost when the probe runs out', async () => {
    const { fake, pools, client, disconnects, live } = await setup({
      keepaliveMs: 100,
      concurrency: 2,
      liveness: { probeTimeoutMs: 50 },
    });
    fake.behavior.pingMode = 'hang';
    const long = client.call('long', { latencyMs: 900, ignoreSignal: true }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100); // tick 1: busy, the call is new
    expect(fake.counts.pings).toBe(0);
    await vi.advanceTimersByTimeAsync(100); // tick 2: the same call is still the oldest
    expect(fake.counts.pings).toBe(1);
    await vi.advanceTimersByTimeAsync(50);
    expect(disconnects.map((d) => d.error)).toEqual([
      expect.stringMatching(/liveness probe within 50 ms \(a call has run for a whole keepalive interval\)/),
    ]);
    expect(await long).toBeInstanceOf(ConnectionLostError);
    fake.behavior.pingMode = 'ok';
    await vi.advanceTimersByTimeAsync(100);
    expect(live()).toBe(1);
    await pools.stop();
  });
});

describe('health', () => {
  it('makes a worker suspect when its health ping times out queued behind a stuck call', async () => {
    const { fake, pools, client, disconnects } = await setup({ liveness: { probeTimeoutMs: 300 } });
    const abort = new AbortController();
    const stuck = client.call('stuck', { latencyMs: 60_000, ignoreSignal: true, signal: abort.signal });
    abort.abort(new Error('caller gave up'));
    await expect(stuck).rejects.toThrow('caller gave up');
    const health = pools.health();
    await vi.advanceTimersByTimeAsync(CALL_TIMEOUT);
    expect((await health)[0]).toMatchObject({ ok: false });
    await vi.advanceTimersByTimeAsync(299);
    expect(disconnects).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(disconnects.map((d) => d.error)).toEqual([
      'no answer to a liveness probe within 300 ms (a health ping timed out in the mailbox) (pool fake.default@global)',
    ]);
    expect(fake.counts.pings).toBe(0);
    await pools.stop();
  });
});
