import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConsumeMessage } from 'amqplib';
import { PublishNackedError, RabbitChannelError } from '@outpools/driver-rabbit';
import { until } from '@outpools/testing';
import { clientOf, rabbitToml, startPools, type Pools } from './helpers/pools.js';
import { DEFAULT_BROKER, direct, messageCount, rabbitInfo, unique, type Direct } from './helpers/servers.js';

let check: Direct;
const started: Pools[] = [];
const cleanup: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  await rabbitInfo();
  check = await direct();
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()));
  for (const undo of cleanup.splice(0)) await undo().catch(() => undefined);
});
afterAll(async () => {
  await check.close();
});

async function pool(tag: string, confirms: boolean, poolOptions: Record<string, string | number> = {}) {
  const { pools, report } = await startPools(
    rabbitToml(
      tag,
      { workers: 2, call_timeout: 3000, ...poolOptions },
      { ...DEFAULT_BROKER, confirms_enabled: confirms },
    ),
  );
  started.push(pools);
  expect(report.ok, report.instances[0]?.error).toBe(true);
  return { pools, client: clientOf(pools, tag) };
}

/** A queue bound to a new exchange; the test's own consumer collects what arrives. */
async function boundQueue(client: ReturnType<typeof clientOf>, name: string) {
  const exchange = `${name}.x`;
  const queue = `${name}.q`;
  await client.declareExchange(exchange, 'topic', { durable: false, autoDelete: false });
  await client.declareQueue(queue, { durable: false });
  await client.bindQueue(queue, exchange, 'events.#');
  cleanup.push(
    () => check.channel.deleteExchange(exchange),
    () => check.channel.deleteQueue(queue),
  );
  return { exchange, queue };
}

async function consume(queue: string): Promise<ConsumeMessage[]> {
  const received: ConsumeMessage[] = [];
  const { consumerTag } = await check.channel.consume(
    queue,
    (message) => {
      if (message) received.push(message);
    },
    { noAck: true },
  );
  cleanup.unshift(() => check.channel.cancel(consumerTag));
  return received;
}

describe.each([
  ['with confirms', true],
  ['without confirms', false],
])('rabbit publish %s', (_title, confirms) => {
  it('publishes through the pool and a consumer receives every message with its properties', async () => {
    const { client } = await pool('roundtrip', confirms);
    const { exchange, queue } = await boundQueue(client, unique(`rt${confirms ? 'c' : 'n'}`));
    const received = await consume(queue);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        client.publish(exchange, `events.${i}`, i % 2 === 0 ? `text ${i}` : new Uint8Array([i]), {
          contentType: 'text/plain',
          headers: { n: i },
          messageId: `m${i}`,
        }),
      ),
    );
    await until(() => received.length === 50, 5000, 'every message consumed');
    const byId = new Map(received.map((m) => [m.properties.messageId as string, m]));
    expect(byId.get('m4')?.content.toString()).toBe('text 4');
    expect([...(byId.get('m5')?.content ?? [])]).toEqual([5]);
    expect(byId.get('m7')?.fields.routingKey).toBe('events.7');
    expect(byId.get('m7')?.properties.headers).toMatchObject({ n: 7 });
    expect(byId.get('m7')?.properties.contentType).toBe('text/plain');
  });

  it('fails a publish to a missing exchange with RabbitChannelError and keeps the worker (one connection, same channel count)', async () => {
    const { pools, client } = await pool('chanerr', confirms, { workers: 1 });
    const { exchange, queue } = await boundQueue(client, unique(`ce${confirms ? 'c' : 'n'}`));
    const events: string[] = [];
    pools.events.on('disconnect', () => events.push('disconnect'));
    const missing = unique('missing');
    const error = await client.publish(missing, 'k', 'lost').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RabbitChannelError);
    expect(error).toMatchObject({ code: 'OUTPOOLS_RABBIT_CHANNEL', replyCode: 404 });
    expect(String((error as Error).message)).toContain(missing);
    // The same worker goes on: the next publishes succeed and arrive.
    await Promise.all(Array.from({ length: 10 }, (_, i) => client.publish(exchange, 'events.after', `after ${i}`)));
    await until(
      async () => (await messageCount(check.channel, queue)) === 10,
      5000,
      'messages after the channel error',
    );
    expect(events).toEqual([]);
    expect(pools.stats()[0]?.workers.live).toBe(1);
    expect(pools.stats()[0]?.counters.reconnects ?? 0).toBe(0);
  });

  it('fails only the faulty call when other publishes run on the same channel', async () => {
    const { client } = await pool('chanerr-load', confirms, { workers: 1 });
    const { exchange, queue } = await boundQueue(client, unique(`cl${confirms ? 'c' : 'n'}`));
    const missing = unique('missing');
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        i === 30 ? client.publish(missing, 'k', 'bad') : client.publish(exchange, 'events.load', `ok ${i}`),
      ),
    );
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    expect(failed).toEqual([30]);
    await until(async () => (await messageCount(check.channel, queue)) >= 59, 5000, 'the 59 good messages');
  });

  it('redeclares the same exchange and refuses a conflicting one with a 406 channel error, then goes on', async () => {
    const { client } = await pool('declare', confirms, { workers: 1 });
    const name = unique('decl');
    await client.declareExchange(name, 'direct', { durable: false });
    cleanup.push(() => check.channel.deleteExchange(name));
    await client.declareExchange(name, 'direct', { durable: false });
    await expect(client.declareExchange(name, 'fanout', { durable: false })).rejects.toMatchObject({
      code: 'OUTPOOLS_RABBIT_CHANNEL',
      replyCode: 406,
    });
    await expect(client.publish(name, 'k', 'still fine')).resolves.toBeUndefined();
  });
});

describe('rabbit publisher confirms', () => {
  it('resolves every publish once the broker acked it: the messages are in the queue', async () => {
    const { client } = await pool('acks', true);
    const queue = unique('acks.q');
    await client.declareQueue(queue, { durable: false });
    cleanup.push(() => check.channel.deleteQueue(queue));
    await Promise.all(Array.from({ length: 200 }, (_, i) => client.publish('', queue, `m${i}`)));
    // No waiting: every publish was confirmed, so the broker holds them all now.
    expect(await messageCount(check.channel, queue)).toBe(200);
  });

  it('rejects with PublishNackedError when the broker refuses the message (x-overflow = reject-publish)', async () => {
    const { client } = await pool('nack', true, { workers: 1 });
    const queue = unique('nack.q');
    await client.declareQueue(queue, {
      durable: false,
      arguments: { 'x-max-length': 2, 'x-overflow': 'reject-publish' },
    });
    cleanup.push(() => check.channel.deleteQueue(queue));
    await client.publish('', queue, 'one');
    await client.publish('', queue, 'two');
    const error = await client.publish('', queue, 'three').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PublishNackedError);
    expect(error).toMatchObject({ code: 'OUTPOOLS_PUBLISH_NACKED', exchange: '', routingKey: queue });
    expect(await messageCount(check.channel, queue)).toBe(2);
    // The channel is fine after a nack.
    await check.channel.purgeQueue(queue);
    await expect(client.publish('', queue, 'four')).resolves.toBeUndefined();
  });
});

describe('rabbit health', () => {
  it('reports the pool healthy with a channel round trip', async () => {
    const { pools } = await pool('health', false);
    const health = await pools.health();
    expect(health[0]).toMatchObject({ ok: true });
  });
});
