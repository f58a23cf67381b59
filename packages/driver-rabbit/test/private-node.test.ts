// Everything that needs the private node (outpools-tls@localhost, started by
// scripts/services/30-rabbit-tls.sh) lives in this one file, so that nothing else runs against
// it while a test raises its memory alarm or stops its app.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CallTimeoutError, ConnectionLostError, NoWorkersError } from '@outpools/core';
import { failureKinds, recordUnhandled, startLoad, stubContexts, until, withReconnect } from '@outpools/testing';
import type { WorkerView } from '@outpools/core/driver';
import { rabbitDriver, type RabbitConnection, type RabbitConnectionOptions } from '@outpools/driver-rabbit';
import { clientOf, handleOf, rabbitToml, startPools, type Pools } from './helpers/pools.js';
import { direct, privateCtl, rabbitInfo, unique, type Direct, type RabbitInfo } from './helpers/servers.js';
import { startTlsProxy, type TlsProxy } from './helpers/tls-proxy.js';

let info: RabbitInfo;
let selfSigned: TlsProxy;
let otherHost: TlsProxy;
const started: Pools[] = [];

beforeAll(async () => {
  info = await rabbitInfo();
  selfSigned = await startTlsProxy(info.selfSignedCertFile, info.selfSignedKeyFile, info.port);
  otherHost = await startTlsProxy(info.otherHostCertFile, info.otherHostKeyFile, info.port);
});
afterAll(async () => {
  await selfSigned.close();
  await otherHost.close();
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()));
});

function login(): { username: string; password: string } {
  return { username: info.username, password: info.password };
}

async function privateDirect(): Promise<Direct> {
  return direct({ port: info.port, ...login() });
}

describe('rabbit over AMQPS, each verify_mode, configured from TOML', () => {
  async function tlsPool(port: number, tls: Record<string, string | Record<string, string>>) {
    const { pools, report } = await startPools(
      rabbitToml(
        'tls',
        { workers: 2, call_timeout: 3000 },
        { host: '127.0.0.1', port, ...login(), confirms_enabled: true },
        tls,
      ),
    );
    started.push(pools);
    return { pools, report, client: clientOf(pools, 'tls') };
  }

  async function roundTrip(client: ReturnType<typeof clientOf>): Promise<void> {
    const queue = unique('tls.q');
    await client.declareQueue(queue, { durable: false, autoDelete: false });
    await client.publish('', queue, 'over tls');
    const check = await privateDirect();
    try {
      const message = await check.channel.get(queue, { noAck: true });
      expect(message === false ? undefined : message.content.toString()).toBe('over tls');
      await check.channel.deleteQueue(queue);
    } finally {
      await check.close();
    }
  }

  it('peer: connects to the broker whose certificate the configured CA signed, and publishes', async () => {
    const { report, client } = await tlsPool(info.tlsPort, { verify_mode: 'peer', cacertfile: info.caFile });
    expect(report.ok, report.instances[0]?.error).toBe(true);
    await roundTrip(client);
  });

  it('peer: refuses the broker when the CA is another one, and prints no password', async () => {
    const { report } = await tlsPool(info.tlsPort, { verify_mode: 'peer', cacertfile: info.otherCaFile });
    expect(report.instances[0]).toMatchObject({ live: 0 });
    expect(report.instances[0]?.error).toMatch(/certificate/i);
    expect(JSON.stringify(report)).not.toContain(info.password);
  });

  it('peer: refuses a self-signed broker, before sending it anything', async () => {
    const before = selfSigned.forwardedBytes();
    const { report } = await tlsPool(selfSigned.port, { verify_mode: 'peer', cacertfile: info.caFile });
    expect(report.instances[0]).toMatchObject({ live: 0 });
    expect(selfSigned.forwardedBytes()).toBe(before);
  });

  it('selfsigned_peer: accepts a self-signed broker and publishes', async () => {
    const { report, client } = await tlsPool(selfSigned.port, { verify_mode: 'selfsigned_peer' });
    expect(report.ok, report.instances[0]?.error).toBe(true);
    await roundTrip(client);
  });

  it('selfsigned_peer: accepts the CA-signed broker with its CA', async () => {
    const { report, client } = await tlsPool(info.tlsPort, { verify_mode: 'selfsigned_peer', cacertfile: info.caFile });
    expect(report.ok, report.instances[0]?.error).toBe(true);
    await roundTrip(client);
  });

  it('selfsigned_peer: accepts a chain ending in a self-signed root it was not given (the broker sends its CA), pinning that root', async () => {
    const { report, client } = await tlsPool(info.tlsPort, {
      verify_mode: 'selfsigned_peer',
      cacertfile: info.otherCaFile,
    });
    expect(report.ok, report.instances[0]?.error).toBe(true);
    await roundTrip(client);
  });

  it('selfsigned_peer: refuses a self-signed certificate for another host name, and sends it no credentials', async () => {
    const before = otherHost.forwardedBytes();
    const { report } = await tlsPool(otherHost.port, { verify_mode: 'selfsigned_peer' });
    expect(report.instances[0]).toMatchObject({ live: 0 });
    expect(report.instances[0]?.error).toMatch(/other\.example|altname|host/i);
    expect(otherHost.forwardedBytes()).toBe(before);
  });

  it('none: connects whatever the certificate', async () => {
    const { report, client } = await tlsPool(info.tlsPort, { verify_mode: 'none', cacertfile: info.otherCaFile });
    expect(report.ok, report.instances[0]?.error).toBe(true);
    await roundTrip(client);
  });
});

describe('rabbit connection.blocked', () => {
  it('reports blocked and unblocked (a memory alarm) to the connect context and on the connection', async () => {
    const stub = stubContexts('rabbit', 'blocked');
    const events: string[] = [];
    const ctx = {
      ...stub.connect,
      blocked: (reason?: string) => events.push(`blocked: ${reason ?? ''}`),
      unblocked: () => events.push('unblocked'),
    };
    const options: RabbitConnectionOptions = {
      host: '127.0.0.1',
      port: info.port,
      ...login(),
      virtual_host: '/',
      confirms_enabled: false,
      max_worker_queue_len: 1000,
      reconnect: { attempts: 0, delay: 2000 },
    };
    const connection: RabbitConnection = await rabbitDriver.connect(options, ctx);
    try {
      await privateCtl(info, 'set_vm_memory_high_watermark', '0.000001');
      // The broker blocks a connection once it publishes.
      await connection.publish('', 'outpools-nowhere', Buffer.from('x'));
      await until(() => connection.blocked, 15_000, 'connection.blocked');
      expect(events[0]).toMatch(/^blocked: .*memory/i);
    } finally {
      await privateCtl(info, 'set_vm_memory_high_watermark', '0.4');
    }
    await until(() => !connection.blocked, 15_000, 'connection.unblocked');
    expect(events).toEqual([expect.stringMatching(/^blocked/), 'unblocked']);
    await rabbitDriver.close(connection);
  });
});

describe('a blocked worker in a pool', () => {
  it('emits blocked/unblocked pool events and routes calls to the other worker while one is blocked', async () => {
    const { pools, report } = await startPools(
      rabbitToml('blocking', { workers: 2, call_timeout: 3000 }, { host: '127.0.0.1', port: info.port, ...login() }),
    );
    started.push(pools);
    expect(report.ok, report.instances[0]?.error).toBe(true);
    const pool = handleOf(pools, 'blocking');
    const events: string[] = [];
    pools.events.on('blocked', (e) => events.push(`blocked ${e.worker}`));
    pools.events.on('unblocked', (e) => events.push(`unblocked ${e.worker}`));
    const first = (workers: readonly WorkerView[]) => workers.find((w) => w.index === 0);
    const connection0 = await pool.run((c) => c, { pick: first });
    try {
      await privateCtl(info, 'set_vm_memory_high_watermark', '0.000001');
      // Only a connection that publishes is blocked by the broker: publish on worker 0 alone.
      await pool.run((c) => c.publish('', 'outpools-nowhere', Buffer.from('x')), { pick: first });
      await until(() => events.includes('blocked 0'), 15_000, 'worker 0 blocked');
      const seen = await Promise.all(Array.from({ length: 20 }, () => pool.run((c) => c)));
      expect(seen.filter((c) => c === connection0)).toEqual([]);
    } finally {
      await privateCtl(info, 'set_vm_memory_high_watermark', '0.4');
    }
    await until(() => events.includes('unblocked 0'), 15_000, 'worker 0 unblocked');
    expect(events).toEqual(['blocked 0', 'unblocked 0']);
    // Worker 0 takes calls again.
    const picked = new Set<unknown>();
    await until(
      async () => {
        picked.add(await pool.run((c) => c));
        return picked.has(connection0);
      },
      5000,
      'worker 0 picked again',
    );
    const health = await pools.health();
    expect(health[0]).toMatchObject({ ok: true });
  });
});

describe('a publish that waits and times out', () => {
  it('is never sent: a publish queued behind a declaration that the blocked broker holds, aborted by call_timeout', async () => {
    const { pools, report } = await startPools(
      rabbitToml(
        'late',
        { workers: 1, call_timeout: 1000 },
        { host: '127.0.0.1', port: info.port, ...login(), confirms_enabled: true },
      ),
    );
    started.push(pools);
    expect(report.ok, report.instances[0]?.error).toBe(true);
    const client = clientOf(pools, 'late');
    const queue = unique('late.q');
    await client.declareQueue(queue, { durable: false });
    const blockedEvents: number[] = [];
    pools.events.on('blocked', (e) => blockedEvents.push(e.worker));
    let declaring: Promise<unknown> | undefined;
    let late: Promise<unknown> | undefined;
    try {
      await privateCtl(info, 'set_vm_memory_high_watermark', '0.000001');
      await client.publish('', queue, 'before the alarm took hold').catch(() => undefined);
      await until(() => blockedEvents.length > 0, 15_000, 'the worker blocked');
      // The broker no longer reads this connection: the declaration waits, the publish waits behind it.
      declaring = client.declareExchange(unique('late.x'), 'fanout', { durable: false }).catch((e: unknown) => e);
      late = client.publish('', queue, 'must never arrive').then(
        () => 'sent',
        (e: unknown) => e,
      );
      expect(await late).toBeInstanceOf(CallTimeoutError);
    } finally {
      await privateCtl(info, 'set_vm_memory_high_watermark', '0.4');
    }
    await declaring;
    // Unblocked: the declaration went through; the aborted publish was dropped, later ones flow.
    await client.publish('', queue, 'after');
    const check = await privateDirect();
    try {
      const bodies: string[] = [];
      for (
        let m = await check.channel.get(queue, { noAck: true });
        m;
        m = await check.channel.get(queue, { noAck: true })
      ) {
        bodies.push(m.content.toString());
      }
      expect(bodies).not.toContain('must never arrive');
      expect(bodies).toContain('after');
      await check.channel.deleteQueue(queue);
    } finally {
      await check.close();
    }
  });
});

describe("the private node's app stopped and started under load", () => {
  const CALL_TIMEOUT = 1000;
  const BACKOFF = { kind: 'exponential', baseMs: 100, capMs: 1000 } as const;

  it('settles every call within call_timeout + 100 ms, loses no confirmed message, replays the topology and is live again', async () => {
    const unhandled = recordUnhandled();
    const { pools, report } = await startPools(
      rabbitToml(
        'restart',
        { workers: 4, call_timeout: CALL_TIMEOUT },
        { host: '127.0.0.1', port: info.port, ...login(), confirms_enabled: true },
      ),
      withReconnect(rabbitDriver, BACKOFF),
    );
    const durable = unique('restart.durable');
    const exchange = unique('restart.transient-x');
    const transient = unique('restart.transient-q');
    try {
      expect(report.ok, report.instances[0]?.error).toBe(true);
      const client = clientOf(pools, 'restart');
      await client.declareQueue(durable, { durable: true });
      // Transient topology: the broker forgets it when its app stops; the pool declares it again.
      await client.declareExchange(exchange, 'fanout', { durable: false });
      await client.declareQueue(transient, { durable: false });
      await client.bindQueue(transient, exchange, '');

      const confirmed = new Set<string>();
      const load = startLoad(
        20,
        async (caller, n) => {
          const body = `${caller}:${n}`;
          await client.publish('', durable, body, { persistent: true });
          confirmed.add(body);
        },
        { pauseAfterFailureMs: 20 },
      );
      const { outcomes } = load;
      await until(() => load.okCount() > 300, 10_000, 'load before the stop');
      await privateCtl(info, 'stop_app');
      try {
        await until(() => outcomes.some((o) => !o.ok), 5000, 'failures after the stop');
      } finally {
        await privateCtl(info, 'start_app');
      }
      const restartedAt = performance.now();
      const okBefore = load.okCount();
      await until(
        () => pools.stats()[0]?.workers.live === 4 && load.okCount() > okBefore + 200,
        BACKOFF.capMs + 5000,
        'every worker live and publishes confirmed again',
      );
      const liveAfterMs = performance.now() - restartedAt;
      await load.stop();

      expect(outcomes.filter((o) => o.ms > CALL_TIMEOUT + 100)).toEqual([]);
      const kinds = failureKinds(outcomes, { NoWorkersError, ConnectionLostError, CallTimeoutError });
      expect([...kinds].filter((k) => k.startsWith('unexpected'))).toEqual([]);
      expect(kinds.has('NoWorkersError') || kinds.has('ConnectionLostError')).toBe(true);
      expect(liveAfterMs).toBeLessThan(BACKOFF.capMs + 5000);

      // No confirmed message was lost: every one is in the durable queue.
      const check = await privateDirect();
      try {
        const bodies = new Set<string>();
        await check.channel.prefetch(1000);
        await check.channel.consume(
          durable,
          (m) => {
            if (m) bodies.add(m.content.toString());
          },
          { noAck: true },
        );
        await until(() => [...confirmed].every((b) => bodies.has(b)), 10_000, 'every confirmed message consumed');
        expect(confirmed.size).toBeGreaterThan(500);

        // The transient exchange, queue and binding are back: a publish through the exchange arrives.
        await client.publish(exchange, '', 'after restart');
        const message = await check.channel.get(transient, { noAck: true });
        expect(message === false ? undefined : message.content.toString()).toBe('after restart');
        await check.channel.deleteQueue(durable);
        await check.channel.deleteQueue(transient);
        await check.channel.deleteExchange(exchange);
      } finally {
        await check.close();
      }
      const health = await pools.health();
      expect(health[0]).toMatchObject({ ok: true });
    } finally {
      await pools.stop();
      unhandled.uninstall();
    }
    expect(unhandled.errors).toEqual([]);
  }, 60_000);
});
