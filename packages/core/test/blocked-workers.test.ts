import { describe, expect, it, vi } from 'vitest';
import { defineDriver, Type, type ConnectContext } from '@outpools/core/driver';
import { CallTimeoutError, type BlockedEvent, type DisconnectEvent, type UnblockedEvent } from '@outpools/core';
import { poolSpec, poolsOf } from './engine-helpers.js';

/** Connections that record which worker ran each call; the test blocks and unblocks them. */
function blockableDriver() {
  const contexts: ConnectContext[] = [];
  const serverReads = { value: true };
  const driver = defineDriver({
    type: 'fake',
    connectionSchema: Type.Object({ label: Type.String({ default: 'x' }) }, { additionalProperties: false }),
    concurrency: () => 100,
    connect: (_options, ctx) => {
      contexts.push(ctx);
      return Promise.resolve({ worker: ctx.workerIndex });
    },
    close: () => Promise.resolve(),
    // a blocked server reads nothing: a ping waits too
    ping: () => (serverReads.value ? Promise.resolve(true) : new Promise<boolean>(() => {})),
    client: (pool) => ({
      whoRuns: () => pool.run((c) => c.worker),
      /** A call the server holds (as a blocked RabbitMQ connection holds a publish). */
      held: () => pool.run(() => new Promise<never>(() => {})),
    }),
  });
  return { driver, contexts, serverReads };
}

describe('a worker its server blocked', () => {
  it('is passed over while another worker can take calls, and picked again once unblocked', async () => {
    const { driver, contexts } = blockableDriver();
    const pools = poolsOf(driver, [poolSpec({ workers: 2, strategy: 'next_worker' })]);
    const events: (BlockedEvent | UnblockedEvent)[] = [];
    pools.events.on('blocked', (e) => events.push(e));
    pools.events.on('unblocked', (e) => events.push(e));
    await pools.start();
    const client = pools.get(driver, 'global', 'default');
    contexts[0]!.blocked('memory alarm');
    const while0Blocked = await Promise.all(Array.from({ length: 6 }, () => client.whoRuns()));
    expect(new Set(while0Blocked)).toEqual(new Set([1]));
    expect(pools.stats()[0]!.workers.live).toBe(2); // blocked is still connected
    contexts[0]!.unblocked();
    const after = await Promise.all(Array.from({ length: 6 }, () => client.whoRuns()));
    expect(new Set(after)).toEqual(new Set([0, 1]));
    expect(events).toEqual([
      { key: { type: 'fake', host: 'global', tag: 'default' }, worker: 0, reason: 'memory alarm' },
      { key: { type: 'fake', host: 'global', tag: 'default' }, worker: 0 },
    ]);
    await pools.stop();
  });

  it('still takes calls when every live worker is blocked (they wait there rather than fail)', async () => {
    const { driver, contexts } = blockableDriver();
    const pools = poolsOf(driver, [poolSpec({ workers: 2, strategy: 'best_worker' })]);
    await pools.start();
    const client = pools.get(driver, 'global', 'default');
    for (const ctx of contexts) ctx.blocked();
    await expect(client.whoRuns()).resolves.toBeTypeOf('number');
    await pools.stop();
  });

  it('is not suspected of being dead when its calls time out (the server stopped reading on purpose)', async () => {
    vi.useFakeTimers();
    try {
      const { driver, contexts, serverReads } = blockableDriver();
      const pools = poolsOf(driver, [poolSpec({ workers: 1, callTimeoutMs: 100 })]);
      const disconnects: DisconnectEvent[] = [];
      pools.events.on('disconnect', (e) => disconnects.push(e));
      await pools.start();
      const client = pools.get(driver, 'global', 'default');
      contexts[0]!.blocked('memory alarm');
      serverReads.value = false;
      // a running call abandoned at call_timeout, then calls that time out queued: evidence enough unblocked
      const calls = Array.from({ length: 5 }, () => client.held().catch((e: unknown) => e));
      await vi.advanceTimersByTimeAsync(5_000);
      for (const outcome of await Promise.all(calls)) expect(outcome).toBeInstanceOf(CallTimeoutError);
      expect(disconnects).toEqual([]);
      expect(contexts).toHaveLength(1); // never reconnected
      serverReads.value = true;
      contexts[0]!.unblocked();
      await expect(client.whoRuns()).resolves.toBe(0);
      await pools.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
