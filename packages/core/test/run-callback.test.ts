import { describe, expect, it } from 'vitest';
import { CallTimeoutError, ConnectionLostError, type PoolKey } from '@outpools/core';
import { defineDriver, Type, type CompletionContext } from '@outpools/core/driver';
import { recordUnhandled } from '@outpools/testing';
import { poolSpec, poolsOf } from './engine-helpers.js';

type Callback = (error: Error | null, value?: unknown) => void;

/** A connection with a Node-style callback API: `send` keeps the callback until the test answers it. */
class CallbackConnection {
  readonly pending: { payload: unknown; callback: Callback }[] = [];
  constructor(
    readonly id: number,
    readonly lost: (error?: unknown) => void,
  ) {}

  send(payload: unknown, callback: Callback): void {
    if (payload === 'instant') callback(null, 'instant');
    else this.pending.push({ payload, callback });
  }

  /** Answer the oldest pending call. */
  answer(value: unknown): void {
    this.pending.shift()!.callback(null, value);
  }
}

function callbackDriver(concurrency = 1) {
  const connections: CallbackConnection[] = [];
  const driver = defineDriver({
    type: 'fake',
    connectionSchema: Type.Object({ label: Type.String({ default: 'fake' }) }, { additionalProperties: false }),
    concurrency: () => concurrency,
    reconnect: () => ({ kind: 'fixed', intervalMs: 1 }),
    async connect(_options, ctx) {
      const connection = new CallbackConnection(connections.length, ctx.lost);
      connections.push(connection);
      return connection;
    },
    async close() {},
    async ping() {
      return true;
    },
    client: (pool) => ({
      /** The usual shape: the library's callback settles the call. */
      send: (payload: unknown) =>
        pool.runCallback<unknown>((c, ctx) => c.send(payload, (e, v) => (e ? ctx.fail(e) : ctx.done(v)))),
      /** Anything else a test needs: the context itself, and run options. */
      raw: <R>(
        fn: (c: CallbackConnection, ctx: CompletionContext<R>) => void,
        options?: Parameters<typeof pool.run>[1],
      ) => pool.runCallback<R>(fn, options),
    }),
  });
  return { driver, connections };
}

async function setup(options: { concurrency?: number; workers?: number; callTimeoutMs?: number } = {}) {
  const fake = callbackDriver(options.concurrency);
  const pools = poolsOf(fake.driver, [
    poolSpec({ workers: options.workers ?? 1, callTimeoutMs: options.callTimeoutMs ?? 1000 }),
  ]);
  await pools.start();
  const client = pools.get(fake.driver, 'global', 'default');
  return { ...fake, pools, client, stats: () => pools.stats()[0]! };
}

/** Poll until `check()` holds (at most 2 s). */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met within 2 s');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('runCallback: a call finished by the driver with ctx.done / ctx.fail', () => {
  it('gives the caller what done or fail passed, a throw, or the rejection of an async function, and counts them', async () => {
    const unhandled = recordUnhandled();
    const { pools, client, connections, stats } = await setup();
    const sent = client.send('a');
    expect(connections[0]!.pending.map((p) => p.payload)).toEqual(['a']); // started at once, before any tick
    connections[0]!.answer(42);
    await expect(sent).resolves.toBe(42);
    await expect(client.raw((_c, ctx) => ctx.fail(new Error('refused')))).rejects.toThrow('refused');
    await expect(
      client.raw(() => {
        throw new Error('thrown');
      }),
    ).rejects.toThrow('thrown');
    // an async function by mistake: its rejection fails the call instead of escaping unhandled
    await expect(
      client.raw(async () => {
        throw new Error('async');
      }),
    ).rejects.toThrow('async');
    await expect(client.send('instant')).resolves.toBe('instant');
    expect(stats().counters).toMatchObject({ calls: 5, successes: 2, failures: 3 });
    expect(stats().load).toEqual([0]);
    await pools.stop();
    unhandled.uninstall();
    expect(unhandled.errors).toEqual([]);
  });

  it('counts only the first of done and fail, and applies mapError to fail', async () => {
    const { pools, client } = await setup();
    const first = await client.raw<string>((_c, ctx) => {
      ctx.done('first');
      ctx.done('second');
      ctx.fail(new Error('late'));
    });
    expect(first).toBe('first');
    const mapError = (error: unknown): unknown => new Error(`mapped: ${(error as Error).message}`);
    await expect(client.raw((_c, ctx) => ctx.fail(new Error('boom')), { mapError })).rejects.toThrow('mapped: boom');
    const thrown = new Error('mapper broke');
    const badMapper = (): never => {
      throw thrown;
    };
    await expect(client.raw((_c, ctx) => ctx.fail(new Error('x')), { mapError: badMapper })).rejects.toBe(thrown);
    await pools.stop();
  });

  it('starts the next queued call on the connection before done returns (from inside the library callback)', async () => {
    const { pools, client, connections } = await setup();
    const first = client.send('first');
    const second = client.send('second'); // queued behind it: one worker, one call at a time
    expect(connections[0]!.pending.map((p) => p.payload)).toEqual(['first']);
    connections[0]!.answer(1);
    expect(connections[0]!.pending.map((p) => p.payload)).toEqual(['second']); // no tick in between
    connections[0]!.answer(2);
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    await pools.stop();
  });

  it('runs a deep queue of calls that finish before their function returns without growing the stack', async () => {
    const { pools, client, connections, stats } = await setup({ callTimeoutMs: 60_000 });
    const blocker = client.send('block'); // holds the only worker: the rest queue behind it
    const queued = Array.from({ length: 50_000 }, () => client.send('instant'));
    expect(stats().pending).toBe(50_000);
    connections[0]!.answer('unblocked');
    // Each queued call finishes inside its own function: the worker must loop, not recurse.
    const results = await Promise.all(queued);
    expect(await blocker).toBe('unblocked');
    expect(results.every((r) => r === 'instant')).toBe(true);
    expect(stats().counters.successes).toBe(50_001);
    await pools.stop();
  });

  it('keeps the worker busy after call_timeout until the late done, which frees it and is dropped', async () => {
    const { pools, client, connections, stats } = await setup({ callTimeoutMs: 50 });
    const slow = client.send('slow');
    await expect(slow).rejects.toBeInstanceOf(CallTimeoutError);
    const next = client.send('next'); // waits: the worker still runs 'slow'
    expect(connections[0]!.pending.map((p) => p.payload)).toEqual(['slow']);
    connections[0]!.answer('too late'); // frees the worker (after a liveness probe, which the timeout asked for)
    await until(() => connections[0]!.pending.length === 1);
    expect(connections[0]!.pending.map((p) => p.payload)).toEqual(['next']);
    connections[0]!.answer('next done');
    await expect(next).resolves.toBe('next done');
    expect(stats().counters).toMatchObject({ timeouts: 1, successes: 1, failures: 1 });
    await pools.stop();
  });

  it('breaks the worker when the driver fails a call with ConnectionLostError', async () => {
    const { pools, client, connections, stats } = await setup();
    const sent = client.raw((_c, ctx) =>
      ctx.fail(new ConnectionLostError('socket closed', undefined as unknown as PoolKey)),
    );
    await expect(sent).rejects.toBeInstanceOf(ConnectionLostError);
    await until(() => stats().counters.reconnects === 1);
    expect(connections).toHaveLength(2);
    await expect(client.send('instant')).resolves.toBe('instant');
    await pools.stop();
  });

  it('ignores a late callback of the lost connection once a retryOnLost call runs again elsewhere', async () => {
    const { pools, client, connections } = await setup({ callTimeoutMs: 5000 });
    const call = client.raw<unknown>((c, ctx) => c.send('idempotent', (e, v) => (e ? ctx.fail(e) : ctx.done(v))), {
      retryOnLost: true,
    });
    const first = connections[0]!;
    expect(first.pending).toHaveLength(1);
    first.lost(new Error('reset by peer'));
    await until(() => connections[1]?.pending.length === 1); // the retry runs on the new connection
    // The old client library fails its pending callbacks when its socket closes: that must not end the retry.
    first.pending.shift()!.callback(new Error('connection terminated'));
    connections[1]!.answer('from the second connection');
    await expect(call).resolves.toBe('from the second connection');
    await pools.stop();
  });

  it('runs many calls at once on a multiplexed connection and settles each with its own answer', async () => {
    const { pools, client, connections, stats } = await setup({ concurrency: 8 });
    const calls = Array.from({ length: 8 }, (_, i) => client.send(i));
    const pending = connections[0]!.pending;
    expect(pending).toHaveLength(8);
    for (const p of [...pending].reverse()) p.callback(null, `answer ${String(p.payload)}`); // out of order
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 8 }, (_, i) => `answer ${i}`));
    expect(stats().load).toEqual([0]);
    await pools.stop();
  });

  it("rejects at once when the caller's signal aborts, tells the driver through ctx.onAbort, and keeps the worker until fail", async () => {
    const { pools, client, connections, stats } = await setup({ callTimeoutMs: 5000 });
    const caller = new AbortController();
    const reasons: unknown[] = [];
    const call = client.raw(
      (c, ctx) => {
        ctx.onAbort((reason) => reasons.push(reason));
        c.send('cancellable', (e, v) => (e ? ctx.fail(e) : ctx.done(v)));
      },
      { signal: caller.signal },
    );
    const next = client.send('next');
    caller.abort(new Error('caller gave up'));
    await expect(call).rejects.toThrow('caller gave up');
    expect(reasons).toEqual([caller.signal.reason]);
    expect(connections[0]!.pending.map((p) => p.payload)).toEqual(['cancellable']); // the worker is still taken
    connections[0]!.pending.shift()!.callback(new Error('cancelled')); // the library gives up on it
    await until(() => connections[0]!.pending.length === 1);
    connections[0]!.answer('next done');
    await expect(next).resolves.toBe('next done');
    expect(stats().load).toEqual([0]);
    await pools.stop();
  });

  it('holds a multiplexed worker for an exclusive call until its done, then lets the calls behind it start', async () => {
    const { pools, client, connections } = await setup({ concurrency: 4 });
    const running = client.send('running');
    const exclusive = client.raw<string>(
      (c, ctx) => c.send('exclusive', (e, v) => (e ? ctx.fail(e) : ctx.done(v as string))),
      { exclusive: true },
    );
    const behind = client.send('behind');
    const payloads = () => connections[0]!.pending.map((p) => p.payload);
    expect(payloads()).toEqual(['running']); // the exclusive call waits for the running one
    connections[0]!.answer('r');
    await expect(running).resolves.toBe('r');
    expect(payloads()).toEqual(['exclusive']); // nothing starts beside it
    connections[0]!.answer('x');
    await expect(exclusive).resolves.toBe('x');
    expect(payloads()).toEqual(['behind']);
    connections[0]!.answer('b');
    await expect(behind).resolves.toBe('b');
    await pools.stop();
  });
});
