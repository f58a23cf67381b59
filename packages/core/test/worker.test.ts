import { describe, expect, it } from 'vitest';
import { Worker } from '../src/engine/worker.js';
import { Request, SubTimeout, type CallFn, type RequestScope } from '../src/engine/request.js';
import { Deadlines } from '../src/engine/deadlines.js';
import type { EngineDriver, WorkerHost, WorkerSettings } from '../src/engine/worker-host.js';
import { DEFAULT_LIVENESS, type ConnectContext } from '../src/driver/contract.js';
import { ConnectionLostError, RequestDroppedError } from '../src/errors.js';
import { until } from '@outpools/testing';

const KEY = { type: 'fake', host: 'global', tag: 'worker' };

interface Conn {
  readonly id: number;
  closed: boolean;
}

/** A fake of the pool side of the seam: records what the worker reports. */
function fakeHost(overrides: Partial<WorkerSettings> = {}, driver: Partial<EngineDriver> = {}) {
  const events: string[] = [];
  const settled: { req: Request; failed: boolean; result: unknown }[] = [];
  const rerouted: Request[] = [];
  const queue: Request[] = [];
  const contexts: ConnectContext[] = [];
  let nextId = 0;
  const deadlines = new Deadlines(() => performance.now());
  const scope: RequestScope = {
    key: KEY,
    timeouts: deadlines.lane<SubTimeout>(SubTimeout.fire),
    now: () => performance.now(),
  };
  const settings: WorkerSettings = {
    key: KEY,
    driver: {
      type: 'fake',
      connectionSchema: {} as EngineDriver['connectionSchema'],
      connect: (_options: unknown, ctx: ConnectContext) => {
        contexts.push(ctx);
        return Promise.resolve({ id: nextId++, closed: false } satisfies Conn);
      },
      close: (c: unknown) => {
        (c as Conn).closed = true;
        return Promise.resolve();
      },
      ping: () => Promise.resolve('pong'),
      client: () => undefined,
      ...driver,
    } as EngineDriver,
    options: {},
    concurrency: 1,
    maxQueue: undefined,
    reconnect: { kind: 'fixed', intervalMs: 5 },
    keepaliveMs: undefined,
    liveness: DEFAULT_LIVENESS,
    connectTimeoutMs: 1000,
    random: () => 0.5,
    tls: undefined,
    ...overrides,
  };
  const host: WorkerHost = {
    settings,
    stopping: false,
    preciseNow: () => performance.now(),
    takeQueued: () => queue.shift(),
    get queued() {
      return queue.length;
    },
    settle: (req, failed, result) => {
      if (req.settled) return;
      req.settled = true;
      settled.push({ req, failed, result });
    },
    reroute: (req) => rerouted.push(req),
    internalRequest: (fn) => new Request(scope, fn as unknown as CallFn, 0, Infinity, undefined, true),
    loadDropped: (load) => events.push(`loadDropped ${load}`),
    dropped: (_req, worker, limit) => events.push(`dropped ${worker} ${limit}`),
    up: (worker, reconnected) => events.push(`up ${worker} ${reconnected}`),
    down: (worker) => events.push(`down ${worker}`),
    blockedChanged: (worker, blocked, reason) =>
      events.push(`${blocked ? 'blocked' : 'unblocked'} ${worker}${reason ? ` ${reason}` : ''}`),
    reconnectScheduled: (worker, attempt) => events.push(`reconnect ${worker} #${attempt}`),
    tlsVerifyFailed: (worker, failure) => events.push(`tls ${worker} ${failure.reason}`),
    closeFailed: (worker) => events.push(`closeFailed ${worker}`),
  };
  const request = (fn: (c: Conn, ctx: Request) => unknown): Request =>
    new Request(scope, fn as unknown as CallFn, 0, Infinity, undefined, false);
  return { host, events, settled, rerouted, queue, contexts, request, deadlines };
}

describe('a worker against a fake pool', () => {
  it('connects, reports up, runs a call on its connection and reports the load drop', async () => {
    const f = fakeHost();
    const worker = new Worker(3, f.host);
    await worker.start();
    expect(worker.live).toBe(true);
    expect(f.events).toContain('up 3 false');
    const req = f.request((c) => `ran on ${c.id}`);
    worker.submit(req);
    expect(worker.load).toBe(1);
    await until(() => f.settled.length === 1, 3000);
    expect(f.settled[0]).toMatchObject({ failed: false, result: 'ran on 0' });
    expect(worker.load).toBe(0);
    expect(f.events).toContain('loadDropped 0');
    await worker.stop();
  });

  it('runs one call at a time at concurrency 1, then takes the next from its mailbox and then from the pool queue', async () => {
    const f = fakeHost();
    const worker = new Worker(0, f.host);
    await worker.start();
    const order: string[] = [];
    let release!: () => void;
    const first = f.request(() => new Promise<void>((r) => (release = r)).then(() => order.push('first')));
    worker.submit(first);
    worker.submit(f.request(() => order.push('second')));
    f.queue.push(f.request(() => order.push('from pool queue')));
    expect(worker.load).toBe(2);
    release();
    await until(() => f.settled.length === 3, 3000);
    expect(order).toEqual(['first', 'second', 'from pool queue']);
    await worker.stop();
  });

  it('drops the oldest queued request above the mailbox limit and reports it', async () => {
    const f = fakeHost({ maxQueue: 1 });
    const worker = new Worker(0, f.host);
    await worker.start();
    worker.submit(f.request(() => new Promise(() => {})));
    const oldest = f.request(() => 'never');
    worker.submit(oldest);
    worker.submit(f.request(() => 'kept'));
    expect(f.events).toContain('dropped 0 1');
    expect(f.settled[0]?.req).toBe(oldest);
    expect(f.settled[0]?.result).toBeInstanceOf(RequestDroppedError);
    await worker.stop();
  });

  it('on a lost connection fails the running call, hands its mailbox back to the pool, closes and reconnects', async () => {
    const f = fakeHost();
    const worker = new Worker(0, f.host);
    await worker.start();
    const running = f.request(() => new Promise(() => {}));
    const queued = f.request(() => 'queued');
    worker.submit(running);
    worker.submit(queued);
    f.contexts[0]!.lost(new Error('socket closed'));
    expect(worker.live).toBe(false);
    expect(f.events).toContain('down 0');
    expect(f.settled[0]?.req).toBe(running);
    expect(f.settled[0]?.result).toBeInstanceOf(ConnectionLostError);
    expect(f.rerouted).toEqual([queued]);
    await until(() => worker.live, 3000);
    expect(f.events).toContain('reconnect 0 #1');
    expect(f.events).toContain('up 0 true');
    await worker.stop();
  });

  it('retries a call marked retryOnLost through the pool instead of failing it', async () => {
    const f = fakeHost();
    const worker = new Worker(0, f.host);
    await worker.start();
    const req = new Request(
      { key: KEY, timeouts: f.deadlines.lane<SubTimeout>(SubTimeout.fire), now: () => 0 },
      (() => new Promise(() => {})) as CallFn,
      0,
      Infinity,
      { retryOnLost: true },
      false,
    );
    worker.submit(req);
    f.contexts[0]!.lost(new Error('reset'));
    expect(f.rerouted).toEqual([req]);
    expect(f.settled).toEqual([]);
    await worker.stop();
  });

  it('is not routable while its server has it blocked, and reports both changes once', async () => {
    const f = fakeHost();
    const worker = new Worker(1, f.host);
    await worker.start();
    f.contexts[0]!.blocked('low on memory');
    f.contexts[0]!.blocked('again');
    expect(worker.live).toBe(false);
    expect(worker.connected).toBe(true);
    f.contexts[0]!.unblocked();
    expect(worker.live).toBe(true);
    expect(f.events.filter((e) => e.startsWith('blocked') || e.startsWith('unblocked'))).toEqual([
      'blocked 1 low on memory',
      'unblocked 1',
    ]);
    await worker.stop();
  });

  it('fires a sub-deadline armed by the call, and never one disarmed when the call returned', async () => {
    const f = fakeHost();
    const worker = new Worker(0, f.host);
    await worker.start();
    const fired: string[] = [];
    worker.submit(
      f.request((_c, ctx) => {
        ctx.armTimeout(10, () => fired.push('slow'));
        return new Promise(() => {});
      }),
    );
    worker.submit(
      f.request((_c, ctx) => {
        ctx.armTimeout(5, () => fired.push('fast'));
        return 'done';
      }),
    );
    await until(() => fired.length > 0, 3000);
    expect(fired).toEqual(['slow']); // 'fast' was due first: it would have fired before 'slow'
    f.deadlines.close();
    await worker.stop();
  });

  it('retries a failed connect after the policy delay and reports each attempt', async () => {
    let attempts = 0;
    const f = fakeHost(
      {},
      {
        connect: () =>
          ++attempts < 3 ? Promise.reject(new Error('refused')) : Promise.resolve({ id: 9, closed: false }),
      },
    );
    const worker = new Worker(0, f.host);
    await worker.start();
    expect(worker.live).toBe(false);
    expect(worker.lastErrorMessage()).toBe('refused');
    await until(() => worker.live, 3000);
    expect(f.events.filter((e) => e.startsWith('reconnect'))).toEqual(['reconnect 0 #1', 'reconnect 0 #2']);
    expect(f.events).toContain('up 0 true');
    await worker.stop();
  });
});
