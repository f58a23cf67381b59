/**
 * `instrumentPools()`: observe a pool set's stats and events as OpenTelemetry metrics.
 * @module
 */
import { type Attributes, type BatchObservableResult, type MeterProvider, metrics } from '@opentelemetry/api';
import { type CallEvent, type CallTimeoutEvent, type ConnectEvent, formatPoolKey, type PoolKey } from '@outpools/core';
import { ATTR_POOL_NAME, ATTR_STATE, DB_CLIENT_CONNECTION_METRICS as M, DURATION_BUCKETS_S } from './names.js';

/** What the adapter needs of a pool set: `Pools` from `@outpools/core` fits. */
export interface InstrumentablePools {
  stats(): readonly {
    readonly key: PoolKey;
    readonly workers: { readonly live: number; readonly total: number; readonly busy: number };
    readonly pending: number;
  }[];
  readonly events: {
    on(event: 'connect', listener: (e: ConnectEvent) => void): unknown;
    on(event: 'call', listener: (e: CallEvent) => void): unknown;
    on(event: 'call_timeout', listener: (e: CallTimeoutEvent) => void): unknown;
    off(event: 'connect', listener: (e: ConnectEvent) => void): unknown;
    off(event: 'call', listener: (e: CallEvent) => void): unknown;
    off(event: 'call_timeout', listener: (e: CallTimeoutEvent) => void): unknown;
  };
}

/** Options of {@link instrumentPools}. */
export interface InstrumentOptions {
  /** Where the meter comes from; default the global provider (`metrics.getMeterProvider()`). */
  readonly meterProvider?: MeterProvider;
  /** The meter's name; default `@outpools/otel`. */
  readonly meterName?: string;
  /** The `db.client.connection.pool.name` of a pool instance; default `type.tag@host`. */
  readonly poolName?: (key: PoolKey) => string;
  /** Extra attributes of every measurement of a pool instance (e.g. `db.system.name`). */
  readonly attributes?: (key: PoolKey) => Attributes;
  /**
   * Record the wait and use time histograms (default true). They need every call timed (a
   * `call` listener on the pool set, a clock read per call); `false` keeps the call path as it is.
   */
  readonly callTimes?: boolean;
}

/** A running instrumentation; `stop()` (or `using`) detaches it from the pools and the meter. */
export interface PoolsInstrumentation extends Disposable {
  stop(): void;
}

/**
 * Export every pool instance of `pools` under OpenTelemetry's database-client connection metric
 * names (see `DB_CLIENT_CONNECTION_METRICS`). Instances started later are picked up at the next
 * collection. `@outpools/core` itself never depends on OpenTelemetry.
 *
 * @example
 * ```ts
 * import { instrumentPools } from '@outpools/otel';
 *
 * instrumentPools(pools); // the global MeterProvider, set up by the app's OpenTelemetry SDK
 * ```
 */
export function instrumentPools(pools: InstrumentablePools, options: InstrumentOptions = {}): PoolsInstrumentation {
  const provider = options.meterProvider ?? metrics.getMeterProvider();
  const meter = provider.getMeter(options.meterName ?? '@outpools/otel');
  const nameOf = options.poolName ?? formatPoolKey;
  const extra = options.attributes;
  const cache = new Map<string, Attributes>();
  const attributesOf = (key: PoolKey): Attributes => {
    const id = `${key.type}\0${key.host}\0${key.tag}`;
    let attributes = cache.get(id);
    if (attributes === undefined) {
      attributes = { ...extra?.(key), [ATTR_POOL_NAME]: nameOf(key) };
      cache.set(id, attributes);
    }
    return attributes;
  };
  const stateAttributes = new Map<Attributes, { idle: Attributes; used: Attributes }>();
  const withState = (base: Attributes): { idle: Attributes; used: Attributes } => {
    let pair = stateAttributes.get(base);
    if (pair === undefined) {
      pair = { idle: { ...base, [ATTR_STATE]: 'idle' }, used: { ...base, [ATTR_STATE]: 'used' } };
      stateAttributes.set(base, pair);
    }
    return pair;
  };

  const count = meter.createObservableUpDownCounter(M.count.name, {
    unit: M.count.unit,
    description: 'The number of connections that are currently in state described by the state attribute.',
  });
  const max = meter.createObservableUpDownCounter(M.max.name, {
    unit: M.max.unit,
    description: 'The maximum number of open connections allowed.',
  });
  const pending = meter.createObservableUpDownCounter(M.pendingRequests.name, {
    unit: M.pendingRequests.unit,
    description: 'The number of current pending requests for an open connection.',
  });
  const observe = (result: BatchObservableResult): void => {
    for (const s of pools.stats()) {
      const base = attributesOf(s.key);
      const states = withState(base);
      const busy = Math.min(s.workers.busy, s.workers.live);
      result.observe(count, s.workers.live - busy, states.idle);
      result.observe(count, busy, states.used);
      result.observe(max, s.workers.total, base);
      result.observe(pending, s.pending, base);
    }
  };
  meter.addBatchObservableCallback(observe, [count, max, pending]);

  const timeouts = meter.createCounter(M.timeouts.name, {
    unit: M.timeouts.unit,
    description: 'The number of connection timeouts that have occurred trying to obtain a connection from the pool.',
  });
  const histogram = (name: string, unit: string, description: string) =>
    meter.createHistogram(name, { unit, description, advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_S] } });
  const createTime = histogram(M.createTime.name, M.createTime.unit, 'The time it took to create a new connection.');
  const onTimeout = (e: CallTimeoutEvent): void => {
    if (e.stage !== 'running') timeouts.add(1, attributesOf(e.key));
  };
  const onConnect = (e: ConnectEvent): void => {
    createTime.record(e.durationMs / 1000, attributesOf(e.key));
  };
  pools.events.on('call_timeout', onTimeout);
  pools.events.on('connect', onConnect);

  let onCall: ((e: CallEvent) => void) | undefined;
  if (options.callTimes !== false) {
    const waitTime = histogram(
      M.waitTime.name,
      M.waitTime.unit,
      'The time it took to obtain an open connection from the pool.',
    );
    const useTime = histogram(
      M.useTime.name,
      M.useTime.unit,
      'The time between borrowing a connection and returning it to the pool.',
    );
    onCall = (e: CallEvent): void => {
      if (e.useMs === undefined) return; // never reached a worker: counted by the timeouts, not a wait
      const attributes = attributesOf(e.key);
      waitTime.record(e.waitMs / 1000, attributes);
      useTime.record(e.useMs / 1000, attributes);
    };
    pools.events.on('call', onCall);
  }

  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    meter.removeBatchObservableCallback(observe, [count, max, pending]);
    pools.events.off('call_timeout', onTimeout);
    pools.events.off('connect', onConnect);
    if (onCall) pools.events.off('call', onCall);
  };
  return { stop, [Symbol.dispose]: stop };
}
