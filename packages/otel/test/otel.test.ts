// The OpenTelemetry adapter against a real pgsql pool on the shared PostgreSQL (127.0.0.1:5432,
// user outpools, db test), read with the SDK's own reader: names, units, attributes and values.
import { DataPointType, MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import { CallTimeoutError, createPools, DriverRegistry, parseConfig, type Pools } from '@outpools/core';
import { rdbmsDriver } from '@outpools/driver-rdbms';
import { until } from '@outpools/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ATTR_POOL_NAME, ATTR_STATE, DB_CLIENT_CONNECTION_METRICS as M, instrumentPools } from '../src/index.js';

/** A reader that collects on demand. */
class TestReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

const toml = (workers: number, callTimeout: number): string => `
[outgoing_pools.rdbms.otel]
workers = ${workers}
call_timeout = ${callTimeout}
[outgoing_pools.rdbms.otel.connection]
driver = "pgsql"
host = "127.0.0.1"
database = "test"
username = "outpools"
password = "outpools-test-pw"
# one statement per connection, so that busy workers and waiting calls can be counted
pipeline = 1
`;

const POOL = 'rdbms.otel@global';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup(workers: number, callTimeout: number): { pools: Pools; reader: TestReader; provider: MeterProvider } {
  const registry = new DriverRegistry([rdbmsDriver]);
  const pools = createPools(parseConfig(toml(workers, callTimeout), { registry }), { registry });
  const reader = new TestReader();
  const provider = new MeterProvider({ readers: [reader] });
  cleanups.push(() => provider.shutdown());
  cleanups.push(() => pools.stop());
  return { pools, reader, provider };
}

async function collect(reader: TestReader): Promise<Map<string, MetricData>> {
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  return new Map(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
}

/** The value of a sum/gauge metric's point with these attributes. */
function pointValue(metric: MetricData | undefined, attributes: Record<string, string>): number | undefined {
  const point = metric?.dataPoints.find((p) =>
    Object.entries(attributes).every(([k, v]) => (p.attributes as Record<string, unknown>)[k] === v),
  );
  return point === undefined ? undefined : (point.value as number);
}

/** Count and sum of a histogram metric for one pool. */
function histogramOf(metric: MetricData | undefined): { count: number; sum: number } | undefined {
  if (metric?.dataPointType !== DataPointType.HISTOGRAM) return undefined;
  const point = metric.dataPoints.find((p) => p.attributes[ATTR_POOL_NAME] === POOL);
  return point === undefined ? undefined : { count: point.value.count, sum: point.value.sum ?? 0 };
}

describe('instrumentPools against a real pgsql pool', () => {
  it('exports connection counts by state, max, pending requests and create time under the semantic-convention names', async () => {
    const { pools, reader, provider } = setup(3, 10_000);
    instrumentPools(pools, { meterProvider: provider });
    expect((await pools.start()).ok).toBe(true);
    const db = pools.get(rdbmsDriver, 'global', 'otel');

    let m = await collect(reader);
    expect(m.get(M.count.name)?.descriptor).toMatchObject({ unit: '{connection}' });
    expect(pointValue(m.get(M.count.name), { [ATTR_POOL_NAME]: POOL, [ATTR_STATE]: 'idle' })).toBe(3);
    expect(pointValue(m.get(M.count.name), { [ATTR_POOL_NAME]: POOL, [ATTR_STATE]: 'used' })).toBe(0);
    expect(pointValue(m.get(M.max.name), { [ATTR_POOL_NAME]: POOL })).toBe(3);
    expect(pointValue(m.get(M.pendingRequests.name), { [ATTR_POOL_NAME]: POOL })).toBe(0);
    expect(m.get(M.pendingRequests.name)?.descriptor.unit).toBe('{request}');
    const created = histogramOf(m.get(M.createTime.name));
    expect(created?.count).toBe(3);
    expect(created!.sum).toBeGreaterThan(0);
    expect(m.get(M.createTime.name)?.descriptor.unit).toBe('s');

    // 5 slow statements on 3 workers: 3 run, 2 wait in mailboxes while we collect.
    const slow = Array.from({ length: 5 }, () => db.query('SELECT pg_sleep(1.5)'));
    m = await collect(reader);
    expect(pointValue(m.get(M.count.name), { [ATTR_POOL_NAME]: POOL, [ATTR_STATE]: 'used' })).toBe(3);
    expect(pointValue(m.get(M.count.name), { [ATTR_POOL_NAME]: POOL, [ATTR_STATE]: 'idle' })).toBe(0);
    expect(pointValue(m.get(M.pendingRequests.name), { [ATTR_POOL_NAME]: POOL })).toBe(2);
    await Promise.all(slow);

    m = await collect(reader);
    const wait = histogramOf(m.get(M.waitTime.name));
    const use = histogramOf(m.get(M.useTime.name));
    expect(wait?.count).toBe(5);
    expect(use?.count).toBe(5);
    expect(use!.sum).toBeGreaterThanOrEqual(5 * 1.4); // seconds, not milliseconds
    expect(wait!.sum).toBeGreaterThanOrEqual(2 * 1.4); // two waited for a whole statement
    expect(m.get(M.useTime.name)?.descriptor.unit).toBe('s');
  });

  it('counts the calls that timed out before reaching a connection, and stops when told', async () => {
    const { pools, reader, provider } = setup(1, 1500);
    const instrumentation = instrumentPools(pools, {
      meterProvider: provider,
      attributes: () => ({ 'db.system.name': 'postgresql' }),
    });
    expect((await pools.start()).ok).toBe(true);
    const db = pools.get(rdbmsDriver, 'global', 'otel');
    // The first runs past call_timeout (a timeout while running: not a connection timeout), the
    // second waits behind it in the mailbox until call_timeout (a connection timeout).
    const running = db.query('SELECT pg_sleep(3)').catch((e: unknown) => e);
    const waiting = db.query('SELECT 1').catch((e: unknown) => e);
    expect(await running).toBeInstanceOf(CallTimeoutError);
    expect(await waiting).toBeInstanceOf(CallTimeoutError);
    let m = await collect(reader);
    expect(pointValue(m.get(M.timeouts.name), { [ATTR_POOL_NAME]: POOL, 'db.system.name': 'postgresql' })).toBe(1);
    expect(m.get(M.timeouts.name)?.descriptor.unit).toBe('{timeout}');
    // The call that never ran is no wait-time sample; the one that ran is.
    expect(histogramOf(m.get(M.waitTime.name))?.count).toBe(1);

    instrumentation.stop();
    expect(pools.events.timing).toBe(false);
    const stats = vi.spyOn(pools, 'stats');
    await until(
      async () =>
        await db.query('SELECT 1').then(
          () => true,
          () => false,
        ),
      10_000,
    );
    m = await collect(reader);
    expect(stats).not.toHaveBeenCalled();
    expect(histogramOf(m.get(M.waitTime.name))?.count).toBe(1);
  });
});
