/**
 * `createFakeDriver()`: a controllable pool type for engine and conformance tests. Connects can
 * fail N times, be slow, or throw synchronously; calls can be slow, fail, or hang until aborted;
 * `kill(i)` breaks worker i's connection the way a driver would (`ctx.lost`); counters record
 * connects, closes, pings and the calls that actually reached a connection.
 * @module
 */
import {
  defineDriver,
  Type,
  type CallContext,
  type ConnectContext,
  type LivenessPolicy,
  type PoolHandle,
  type ReconnectPolicy,
  type RunOptions,
  type Strategy,
} from '@outpools/core/driver';

/** How connects, pings and closes behave; mutable at run time through {@link FakeDriver.behavior}. */
export interface FakeBehavior {
  /** The next this-many connects fail. */
  connectFailures: number;
  /** `'throw'`: connect throws synchronously (a crashing driver). */
  connectMode: 'ok' | 'throw' | 'hang';
  /** Every connect takes this long (respects the abort signal). */
  connectDelayMs: number;
  /** Default latency of a call. */
  callLatencyMs: number;
  pingMode: 'ok' | 'fail' | 'hang';
  /** `'throw'`: close throws synchronously; `'reject'`: close rejects; `'hang'`: close never settles. */
  closeMode: 'ok' | 'throw' | 'reject' | 'hang';
}

/** Options of {@link createFakeDriver}. */
export interface FakeDriverOptions extends Partial<FakeBehavior> {
  /** Pool type name. Default `"fake"`. */
  readonly type?: string;
  readonly concurrency?: number;
  readonly maxQueue?: number;
  readonly keepaliveMs?: number;
  readonly reconnect?: ReconnectPolicy;
  /** The type's liveness overrides (default: the core's). */
  readonly liveness?: Partial<LivenessPolicy>;
  /** Strategies this type refuses (a strategy veto). */
  readonly refuseStrategies?: readonly Strategy[];
}

/** One fake connection. */
export interface FakeConnection {
  readonly id: number;
  readonly workerIndex: number;
  closed: boolean;
  /** Calls that reached this connection, by their `value`. */
  readonly received: unknown[];
  /** The `ctx.lost` of the connect that made it. */
  readonly lost: (error?: unknown) => void;
}

/** What one call does. */
export interface FakeCallOptions extends RunOptions {
  /** Resolve after this long (default the driver's `callLatencyMs`). */
  readonly latencyMs?: number;
  /** Never resolve: wait until `ctx.signal` aborts, then reject with its reason. */
  readonly hang?: boolean;
  /** Reject with this error (after the latency). */
  readonly fail?: unknown;
  /** Ignore `ctx.signal` (a client library without cancellation). */
  readonly ignoreSignal?: boolean;
}

/** A completed fake call: the value, and which connection and worker ran it. */
export interface FakeCallResult<T> {
  readonly value: T;
  readonly connectionId: number;
  readonly workerIndex: number;
}

/** The typed client of a fake driver. */
export interface FakeClient {
  call<T>(value: T, options?: FakeCallOptions): Promise<FakeCallResult<T>>;
  readonly pool: PoolHandle<FakeConnection>;
}

const FakeConnectionSchema = Type.Object({ label: Type.String({ default: 'fake' }) }, { additionalProperties: false });

/** A controllable fake pool type and its controls. */
export interface FakeDriver {
  readonly driver: ReturnType<typeof buildDriver>;
  readonly behavior: FakeBehavior;
  /** Every connection ever made, in order. */
  readonly connections: FakeConnection[];
  readonly counts: { connects: number; connectAttempts: number; closes: number; pings: number; calls: number };
  /** The newest open connection of a worker. */
  connectionOf(workerIndex: number): FakeConnection | undefined;
  /** Break a worker's current connection (calls its `ctx.lost`). Returns false if it has none. */
  kill(workerIndex: number, error?: unknown): boolean;
}

function delay(ms: number, signal: AbortSignal | undefined, ignoreSignal = false): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!ignoreSignal && signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    if (!ignoreSignal) signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function buildDriver(options: FakeDriverOptions, state: Omit<FakeDriver, 'driver' | 'connectionOf' | 'kill'>) {
  const { behavior, connections, counts } = state;
  return defineDriver({
    type: options.type ?? 'fake',
    packageName: '@outpools/testing',
    connectionSchema: FakeConnectionSchema,
    concurrency: () => options.concurrency ?? 1,
    maxQueue: () => options.maxQueue,
    keepaliveMs: () => options.keepaliveMs,
    reconnect: () => options.reconnect ?? { kind: 'exponential', baseMs: 1000, capMs: 30_000 },
    liveness: () => options.liveness ?? {},
    refuseStrategy: (strategy: Strategy) =>
      options.refuseStrategies?.includes(strategy) ? `the fake type refuses ${strategy}` : undefined,
    connect(_opts, ctx: ConnectContext): Promise<FakeConnection> {
      counts.connectAttempts++;
      if (behavior.connectMode === 'throw') throw new Error('fake connect crashed');
      const attempt = async (): Promise<FakeConnection> => {
        if (behavior.connectMode === 'hang') await untilAborted(ctx.signal);
        if (behavior.connectDelayMs > 0) await delay(behavior.connectDelayMs, ctx.signal);
        if (behavior.connectFailures > 0) {
          behavior.connectFailures--;
          throw new Error('fake connect refused');
        }
        counts.connects++;
        const connection: FakeConnection = {
          id: connections.length,
          workerIndex: ctx.workerIndex,
          closed: false,
          received: [],
          lost: (error) => ctx.lost(error),
        };
        connections.push(connection);
        return connection;
      };
      return attempt();
    },
    close(connection: FakeConnection): Promise<void> {
      counts.closes++;
      connection.closed = true;
      if (behavior.closeMode === 'throw') throw new Error('fake close crashed');
      if (behavior.closeMode === 'reject') return Promise.reject(new Error('fake close failed'));
      if (behavior.closeMode === 'hang') return new Promise<void>(() => {});
      return Promise.resolve();
    },
    async ping(connection: FakeConnection, ctx: CallContext): Promise<unknown> {
      counts.pings++;
      if (connection.closed) throw new Error('fake connection closed');
      if (behavior.pingMode === 'hang') return untilAborted(ctx.signal);
      if (behavior.pingMode === 'fail') throw new Error('fake ping failed');
      return 'pong';
    },
    client: (pool): FakeClient => ({
      pool,
      call<T>(value: T, call: FakeCallOptions = {}): Promise<FakeCallResult<T>> {
        return pool.run(async (connection, ctx) => {
          counts.calls++;
          connection.received.push(value);
          const signal = call.ignoreSignal ? undefined : ctx.signal;
          if (call.hang) await untilAborted(ctx.signal);
          const latency = call.latencyMs ?? behavior.callLatencyMs;
          if (latency > 0) await delay(latency, signal, call.ignoreSignal);
          if (call.fail !== undefined) throw call.fail;
          return { value, connectionId: connection.id, workerIndex: connection.workerIndex };
        }, call);
      },
    }),
  });
}

/**
 * Build a controllable fake pool type.
 *
 * @example
 * ```ts
 * const fake = createFakeDriver({ connectFailures: 2 });
 * const registry = new DriverRegistry([fake.driver]);
 * // ... start pools, then:
 * fake.kill(0); // worker 0's connection breaks; the pool reconnects it
 * ```
 */
export function createFakeDriver(options: FakeDriverOptions = {}): FakeDriver {
  const behavior: FakeBehavior = {
    connectFailures: options.connectFailures ?? 0,
    connectMode: options.connectMode ?? 'ok',
    connectDelayMs: options.connectDelayMs ?? 0,
    callLatencyMs: options.callLatencyMs ?? 0,
    pingMode: options.pingMode ?? 'ok',
    closeMode: options.closeMode ?? 'ok',
  };
  const connections: FakeConnection[] = [];
  const counts = { connects: 0, connectAttempts: 0, closes: 0, pings: 0, calls: 0 };
  const driver = buildDriver(options, { behavior, connections, counts });
  const connectionOf = (workerIndex: number): FakeConnection | undefined => {
    for (let i = connections.length - 1; i >= 0; i--) {
      const c = connections[i]!;
      if (c.workerIndex === workerIndex && !c.closed) return c;
    }
    return undefined;
  };
  return {
    driver,
    behavior,
    connections,
    counts,
    connectionOf,
    kill(workerIndex, error = new Error('fake connection reset')) {
      const connection = connectionOf(workerIndex);
      if (!connection) return false;
      connection.lost(error);
      return true;
    },
  };
}
