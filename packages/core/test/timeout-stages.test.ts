import { describe, it, expect, vi, afterEach, beforeEach } from 'vitest';
import { createFakeDriver } from '@outpools/testing';
import { CallTimeoutError, type CallTimeoutEvent } from '@outpools/core';
import { poolSpec, poolsOf } from './engine-helpers.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function setup(strategy: 'best_worker' | 'available_worker', workers = 1) {
  const fake = createFakeDriver();
  const pools = poolsOf(fake.driver, [poolSpec({ strategy, workers, callTimeoutMs: 1000 })]);
  await pools.start();
  const timeouts: CallTimeoutEvent[] = [];
  pools.events.on('call_timeout', (e) => timeouts.push(e));
  return { fake, pools, client: pools.get(fake.driver, 'global', 'default'), timeouts };
}

describe('call_timeout', () => {
  it('fails a call waiting in the pool queue at once and never sends it', async () => {
    const { fake, pools, client, timeouts } = await setup('available_worker');
    const busy = client.call('busy', { latencyMs: 5000, ignoreSignal: true }).catch((e: unknown) => e);
    const waiting = client.call('waiting');
    const outcome = waiting.then(
      () => 'resolved',
      (e: unknown) => e,
    );
    expect(pools.stats()[0]!.queue).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(fake.counts.calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(CallTimeoutError);
    expect(timeouts.map((t) => t.stage)).toContain('queue');
    expect(pools.stats()[0]!.queue).toBe(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await busy).toBeInstanceOf(CallTimeoutError);
    expect(fake.connections[0]!.received).toEqual(['busy']);
    await pools.stop();
  });

  it('fails a call waiting in a worker mailbox at once and never sends it', async () => {
    const { fake, pools, client, timeouts } = await setup('best_worker');
    const first = client.call('first', { latencyMs: 800 });
    const second = client.call('second', { latencyMs: 800 });
    const secondOutcome = second.catch((e: unknown) => e);
    expect(pools.stats()[0]!.load).toEqual([2]);
    await vi.advanceTimersByTimeAsync(800);
    expect((await first).value).toBe('first');
    await vi.advanceTimersByTimeAsync(200); // second ran 200 of its 800 ms: the whole call is bounded
    expect(await secondOutcome).toBeInstanceOf(CallTimeoutError);
    expect(timeouts.at(-1)).toMatchObject({ stage: 'running', worker: 0, timeoutMs: 1000 });

    const blocker = client.call('blocker', { latencyMs: 3000, ignoreSignal: true }).catch((e: unknown) => e);
    const queued = client.call('queued').catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await queued).toBeInstanceOf(CallTimeoutError);
    expect(timeouts.at(-1)).toMatchObject({ stage: 'mailbox', worker: 0 });
    await vi.advanceTimersByTimeAsync(3000);
    expect(await blocker).toBeInstanceOf(CallTimeoutError);
    expect(fake.connections[0]!.received).not.toContain('queued');
    await pools.stop();
  });

  it('aborts a running call through ctx.signal and rejects the caller at once', async () => {
    const { pools } = await setup('best_worker');
    const pool = pools.pool('fake', 'global', 'default');
    let signal: AbortSignal | undefined;
    const call = pool.run((_c, ctx) => {
      signal = ctx.signal;
      return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
    });
    const outcome = call.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1000);
    const error = await outcome;
    expect(error).toBeInstanceOf(CallTimeoutError);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(error);
    expect(pools.stats()[0]!.counters).toMatchObject({ calls: 1, timeouts: 1, failures: 1, successes: 0 });
    await pools.stop();
  });

  it('calls the ctx.onAbort callback on timeout, at once when registered after the abort', async () => {
    const { pools } = await setup('best_worker');
    const pool = pools.pool('fake', 'global', 'default');
    const reasons: unknown[] = [];
    let finish: (() => void) | undefined;
    const call = pool
      .run(
        (_c, ctx) =>
          new Promise<void>((resolve) => {
            ctx.onAbort?.((reason) => {
              reasons.push(reason);
              throw new Error('a buggy abort callback');
            });
            finish = () => {
              ctx.onAbort?.((reason) => reasons.push(reason));
              resolve();
            };
          }),
      )
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1000);
    const error = await call;
    expect(error).toBeInstanceOf(CallTimeoutError);
    expect(reasons).toEqual([error]);
    finish?.();
    expect(reasons).toEqual([error, error]); // a registration after the abort is called at once

    const late: unknown[] = [];
    let register: (() => void) | undefined;
    const second = pool
      .run(
        (_c, ctx) => new Promise<void>((resolve) => (register = () => (ctx.onAbort?.((r) => late.push(r)), resolve()))),
      )
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1000);
    const secondError = await second;
    register?.();
    expect(late).toEqual([secondError]);

    let lateSignal: AbortSignal | undefined;
    let readSignal: (() => void) | undefined;
    const third = pool
      .run((_c, ctx) => new Promise<void>((resolve) => (readSignal = () => ((lateSignal = ctx.signal), resolve()))))
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1000);
    const thirdError = await third;
    readSignal?.();
    expect(lateSignal?.aborted).toBe(true); // ctx.signal read after the timeout is already aborted
    expect(lateSignal?.reason).toBe(thirdError);
    await pools.stop();
  });

  it('drops the late result of a call that ignored the abort, then the worker serves again', async () => {
    const { pools, client } = await setup('best_worker');
    const late = client.call('late', { latencyMs: 1500, ignoreSignal: true });
    const outcome = late.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await outcome).toBeInstanceOf(CallTimeoutError);
    expect(pools.stats()[0]!.load).toEqual([1]); // still busy with the abandoned call
    await vi.advanceTimersByTimeAsync(500);
    expect(pools.stats()[0]!.load).toEqual([0]);
    const next = await client.call('next');
    expect(next.value).toBe('next');
    expect(pools.stats()[0]!.counters).toMatchObject({ calls: 2, successes: 1, timeouts: 1 });
    await pools.stop();
  });

  it('uses no timer per call: many concurrent calls share one deadline timer', async () => {
    const { pools, client } = await setup('best_worker', 4);
    const before = vi.getTimerCount();
    const calls = Array.from({ length: 200 }, (_, i) => client.call(i, { hang: true }).catch((e: unknown) => e));
    // one deadline timer, plus at most one setImmediate per event-loop turn for the coarse clock
    expect(vi.getTimerCount() - before).toBeLessThanOrEqual(2);
    await vi.advanceTimersByTimeAsync(1000);
    const results = await Promise.all(calls);
    expect(results.every((r) => r instanceof CallTimeoutError)).toBe(true);
    await pools.stop();
  });

  it('rejects with the caller signal reason when the caller aborts', async () => {
    const { fake, pools, client } = await setup('best_worker');
    const running = new AbortController();
    const queued = new AbortController();
    const first = client.call('first', { hang: true, signal: running.signal }).catch((e: unknown) => e);
    const second = client.call('second', { signal: queued.signal }).catch((e: unknown) => e);
    queued.abort(new Error('caller gave up'));
    expect(await second).toMatchObject({ message: 'caller gave up' });
    running.abort(new Error('stop it'));
    expect(await first).toMatchObject({ message: 'stop it' });
    const already = AbortSignal.abort(new Error('too late'));
    await expect(client.call('x', { signal: already })).rejects.toThrow('too late');
    await vi.advanceTimersByTimeAsync(10);
    expect(fake.connections[0]!.received).toEqual(['first']);
    await pools.stop();
  });
});
