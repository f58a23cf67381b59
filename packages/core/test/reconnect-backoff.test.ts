import { describe, it, expect, vi, afterEach, beforeEach } from 'vitest';
import { createFakeDriver, type FakeDriverOptions, recordUnhandled, type UnhandledRecorder } from '@outpools/testing';
import { ConnectionLostError, type CloseErrorEvent, type ReconnectAttemptEvent, type Strategy } from '@outpools/core';
import { backoffDelay } from '../src/engine/backoff.js';
import { poolSpec, poolsOf } from './engine-helpers.js';

let unhandled: UnhandledRecorder;
beforeEach(() => {
  unhandled = recordUnhandled();
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  unhandled.uninstall();
  expect(unhandled.errors).toEqual([]);
});

async function setup(
  fakeOptions: FakeDriverOptions,
  { workers = 1, strategy = 'best_worker' as Strategy, random = (): number => 0 } = {},
) {
  const fake = createFakeDriver(fakeOptions);
  const pools = poolsOf(fake.driver, [poolSpec({ strategy, workers, callTimeoutMs: 1000 })], { random });
  const attempts: ReconnectAttemptEvent[] = [];
  pools.events.on('reconnect_attempt', (e) => attempts.push(e));
  const report = await pools.start();
  return { fake, pools, report, attempts, client: pools.get(fake.driver, 'global', 'default') };
}

describe('backoffDelay', () => {
  it('doubles from the base, caps, and jitters fully between 0 and the ceiling', () => {
    const policy = { kind: 'exponential', baseMs: 1000, capMs: 30_000 } as const;
    expect([0, 1, 2, 3, 4, 5, 6, 60].map((n) => backoffDelay(policy, n, () => 0.5))).toEqual([
      500, 1000, 2000, 4000, 8000, 15000, 15000, 15000,
    ]);
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
    for (let n = 0; n < 10; n++) {
      const d = backoffDelay(policy, n);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(Math.min(30_000, 1000 * 2 ** n));
    }
    expect(backoffDelay({ kind: 'fixed', intervalMs: 10_000 }, 7)).toBe(10_000);
  });

  it('waits the fixed delay of firstRetries first, then backs off from the base again', () => {
    const policy = {
      kind: 'exponential',
      baseMs: 1000,
      capMs: 30_000,
      firstRetries: { attempts: 3, delayMs: 250 },
    } as const;
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n, () => 0.5))).toEqual([250, 250, 250, 500, 1000, 2000]);
    const none = { ...policy, firstRetries: { attempts: 0, delayMs: 250 } };
    expect(backoffDelay(none, 0, () => 0.5)).toBe(500);
  });
});

describe('reconnect', () => {
  it('retries a failing connect with growing, capped, jittered delays until it succeeds', async () => {
    const { fake, pools, report, attempts } = await setup(
      { connectFailures: 7, reconnect: { kind: 'exponential', baseMs: 1000, capMs: 10_000 } },
      { random: () => 0.5 },
    );
    expect(report.ok).toBe(false);
    expect(report.instances[0]!.error).toBe('fake connect refused');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(attempts.map((a) => a.delayMs)).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000]);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(attempts[0]).toMatchObject({ worker: 0, error: 'fake connect refused' });
    expect(fake.counts.connectAttempts).toBe(8);
    expect(pools.stats()[0]!.workers.live).toBe(1);
    expect(pools.stats()[0]!.counters.reconnects).toBe(1);
    await pools.stop();
  });

  it('uses a fixed interval when the driver says so', async () => {
    const { pools, attempts } = await setup({ connectFailures: 3, reconnect: { kind: 'fixed', intervalMs: 700 } });
    await vi.advanceTimersByTimeAsync(5000);
    expect(attempts.map((a) => a.delayMs)).toEqual([700, 700, 700]);
    await pools.stop();
  });

  it('fails running calls with ConnectionLostError and moves queued calls to other workers: none lost, none duplicated', async () => {
    const { fake, pools, client } = await setup({ reconnect: { kind: 'fixed', intervalMs: 5000 } }, { workers: 2 });
    const calls = Array.from({ length: 8 }, (_, i) => client.call(i, { latencyMs: 100 }).catch((e: unknown) => e));
    expect(pools.stats()[0]!.load).toEqual([4, 4]);
    const cause = new Error('socket hang up');
    fake.kill(0, cause);
    expect(pools.stats()[0]!.workers.live).toBe(1);
    expect(pools.stats()[0]!.load).toEqual([0, 7]);
    await vi.advanceTimersByTimeAsync(800);
    const results = await Promise.all(calls);
    const lost = results.filter((r) => r instanceof ConnectionLostError);
    expect(lost).toHaveLength(1);
    expect((lost[0] as Error).cause).toBe(cause);
    const values = results.filter((r) => !(r instanceof Error)).map((r) => (r as { value: number }).value);
    expect(values).toHaveLength(7);
    const received = fake.connections.flatMap((c) => c.received as number[]);
    expect(received.sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(fake.connections[0]!.closed).toBe(true);
    await pools.stop();
  });

  it('runs a retryOnLost call once more on a live worker', async () => {
    const { fake, pools, client } = await setup({ reconnect: { kind: 'fixed', intervalMs: 200 } }, { workers: 1 });
    const call = client.call('idempotent', { latencyMs: 100, retryOnLost: true });
    fake.kill(0);
    await vi.advanceTimersByTimeAsync(300);
    const result = await call;
    expect(result.connectionId).toBe(1);
    expect(fake.connections.map((c) => c.received)).toEqual([['idempotent'], ['idempotent']]);
    const again = client.call('twice', { latencyMs: 100, retryOnLost: true }).catch((e: unknown) => e);
    fake.kill(0);
    await vi.advanceTimersByTimeAsync(250);
    fake.kill(0);
    expect(await again).toBeInstanceOf(ConnectionLostError);
    await pools.stop();
  });

  it('treats a call rejecting with ConnectionLostError as a broken connection', async () => {
    const { pools, client } = await setup({ reconnect: { kind: 'fixed', intervalMs: 100 } });
    const lostError = new ConnectionLostError('server closed the connection');
    const failing = client.call('x', { fail: lostError }).catch((e: unknown) => e);
    const queued = client.call('y');
    const error = await failing;
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect((error as Error).cause).toBe(lostError);
    expect(pools.stats()[0]!.workers.live).toBe(0);
    await vi.advanceTimersByTimeAsync(100);
    expect((await queued).connectionId).toBe(1);
    await pools.stop();
  });

  it('survives a driver whose connect throws synchronously and whose close throws', async () => {
    const { fake, pools, report, attempts } = await setup({ connectMode: 'throw', closeMode: 'throw' });
    expect(report.instances[0]).toMatchObject({ live: 0, error: 'fake connect crashed' });
    expect(attempts).toHaveLength(1);
    fake.behavior.connectMode = 'ok';
    await vi.advanceTimersByTimeAsync(1000);
    expect(pools.stats()[0]!.workers.live).toBe(1);
    const closeErrors: CloseErrorEvent[] = [];
    pools.events.on('close_error', (e) => closeErrors.push(e));
    fake.kill(0);
    await vi.advanceTimersByTimeAsync(0);
    fake.behavior.closeMode = 'reject';
    await vi.advanceTimersByTimeAsync(1000);
    fake.kill(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(closeErrors.map((e) => e.error)).toEqual(['fake close crashed', 'fake close failed']);
    await pools.stop();
  });

  it('gives up a connect attempt that hangs after the start timeout and retries', async () => {
    const fake = createFakeDriver({ connectMode: 'hang' });
    const pools = poolsOf(fake.driver, [poolSpec({ workers: 1, callTimeoutMs: 1000 })], { startTimeoutMs: 300 });
    const started = pools.start();
    await vi.advanceTimersByTimeAsync(300);
    const report = await started;
    expect(report.instances[0]).toMatchObject({ live: 0, error: 'connect timed out after 300 ms' });
    fake.behavior.connectMode = 'ok';
    await vi.advanceTimersByTimeAsync(1000);
    expect(pools.stats()[0]!.workers.live).toBe(1);
    await pools.stop();
  });

  it('ignores lost() from an old connection and closes a connection that arrives after stop', async () => {
    const { fake, pools } = await setup({ reconnect: { kind: 'fixed', intervalMs: 10 } });
    const old = fake.connections[0]!;
    fake.kill(0);
    await vi.advanceTimersByTimeAsync(10);
    expect(pools.stats()[0]!.workers.live).toBe(1);
    old.lost(new Error('late event from the old socket'));
    expect(pools.stats()[0]!.workers.live).toBe(1);
    await pools.stop();
  });
});

describe('keepalive', () => {
  it('pings idle live workers at the interval, from the end of the previous ping', async () => {
    const { fake, pools } = await setup({ keepaliveMs: 1000 }, { workers: 2 });
    await vi.advanceTimersByTimeAsync(3500);
    expect(fake.counts.pings).toBe(6);
    expect(pools.stats()[0]!.counters.calls).toBe(0);
    await pools.stop();
  });

  it('marks a worker broken when its ping fails or hangs, and reconnects it', async () => {
    const { fake, pools, attempts } = await setup({ keepaliveMs: 1000, reconnect: { kind: 'fixed', intervalMs: 100 } });
    const disconnects: string[] = [];
    pools.events.on('disconnect', (e) => disconnects.push(e.error ?? ''));
    fake.behavior.pingMode = 'fail';
    await vi.advanceTimersByTimeAsync(1000);
    expect(disconnects).toEqual(['fake ping failed']);
    fake.behavior.pingMode = 'hang';
    await vi.advanceTimersByTimeAsync(100 + 1000 + 1000);
    expect(disconnects).toEqual(['fake ping failed', 'call timed out after 1000 ms (pool fake.default@global)']);
    expect(attempts.length).toBe(2);
    fake.behavior.pingMode = 'ok';
    await vi.advanceTimersByTimeAsync(100);
    expect(pools.stats()[0]!.workers.live).toBe(1);
    await pools.stop();
  });

  it('does not wait for a running ping when stopping, nor count it as a broken connection', async () => {
    const { fake, pools } = await setup({ keepaliveMs: 100, pingMode: 'hang' });
    const disconnects: unknown[] = [];
    pools.events.on('disconnect', (e) => disconnects.push(e));
    await vi.advanceTimersByTimeAsync(100);
    expect(fake.counts.pings).toBe(1);
    await pools.stop(); // no timer advance needed: nothing to drain
    expect(disconnects).toEqual([]);
    expect(fake.counts.closes).toBe(1);
    await vi.advanceTimersByTimeAsync(1); // the coarse clock's one-shot (unref'd) setImmediate
    expect(vi.getTimerCount()).toBe(0);
  });

  it('skips the ping of a busy worker', async () => {
    const { fake, pools, client } = await setup({ keepaliveMs: 100 });
    const call = client.call('long', { latencyMs: 150 });
    await vi.advanceTimersByTimeAsync(150);
    await call;
    expect(fake.counts.pings).toBe(0);
    await vi.advanceTimersByTimeAsync(50);
    expect(fake.counts.pings).toBe(1);
    await pools.stop();
  });
});
