import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RequestDroppedError } from '@outpools/core';
import { until } from '@outpools/testing';
import { clientOf, rabbitToml, startPools, type Pools } from './helpers/pools.js';
import { DEFAULT_BROKER, direct, messageCount, unique, type Direct } from './helpers/servers.js';

let check: Direct;
const started: Pools[] = [];
beforeAll(async () => {
  check = await direct();
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()));
});
afterAll(async () => {
  await check.close();
});

/** One worker whose 100 channel slots are all taken by calls that wait for `release()`. */
async function busyWorker(tag: string, limit: number | string) {
  const { pools, report } = await startPools(
    rabbitToml(
      tag,
      { workers: 1, call_timeout: 5000 },
      { ...DEFAULT_BROKER, max_worker_queue_len: limit, confirms_enabled: true },
    ),
  );
  started.push(pools);
  expect(report.ok, report.instances[0]?.error).toBe(true);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const pool = pools.pool('rabbit', 'global', tag);
  const holders = Array.from({ length: 100 }, () => pool.run(() => gate));
  await until(() => pools.stats()[0]?.load[0] === 100, 2000, 'the worker held busy');
  return { pools, client: clientOf(pools, tag), release, holders };
}

describe('rabbit max_worker_queue_len', () => {
  it('drops the oldest queued publishes with RequestDroppedError once the mailbox reaches the limit, keeping it below the limit', async () => {
    const { pools, client, release, holders } = await busyWorker('headdrop', 5);
    const drops: number[] = [];
    pools.events.on('drop', (e) => drops.push(e.limit));
    const queue = unique('headdrop.q');
    await check.channel.assertQueue(queue, { durable: false });
    const results = Array.from({ length: 10 }, (_, i) =>
      client.publish('', queue, `m${i}`).then(
        () => 'ok',
        (e: unknown) => e,
      ),
    );
    // The mailbox reached 5 six times: each time the oldest went, leaving 4 (below the limit).
    expect(pools.stats()[0]?.load[0]).toBe(100 + 4);
    release();
    await Promise.all(holders);
    const outcomes = await Promise.all(results);
    const dropped = outcomes.flatMap((o, i) => (o instanceof RequestDroppedError ? [i] : []));
    expect(dropped).toEqual([0, 1, 2, 3, 4, 5]);
    expect(outcomes.slice(6)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(drops.length).toBe(6);
    // The survivors reached the broker, in order.
    expect(await messageCount(check.channel, queue)).toBe(4);
    const bodies: string[] = [];
    for (
      let m = await check.channel.get(queue, { noAck: true });
      m;
      m = await check.channel.get(queue, { noAck: true })
    ) {
      bodies.push(m.content.toString());
    }
    expect(bodies).toEqual(['m6', 'm7', 'm8', 'm9']);
    await check.channel.deleteQueue(queue);
  });

  it('drops nothing with "infinity"', async () => {
    const { client, release, holders, pools } = await busyWorker('nolimit', 'infinity');
    const queue = unique('nolimit.q');
    const declared = client.declareQueue(queue, { durable: false });
    const results = Array.from({ length: 300 }, (_, i) => client.publish('', queue, `m${i}`));
    expect(pools.stats()[0]?.load[0]).toBe(100 + 301);
    release();
    await Promise.all(holders);
    await declared;
    await Promise.all(results);
    expect(await messageCount(check.channel, queue)).toBe(300);
    await check.channel.deleteQueue(queue);
  });
});
