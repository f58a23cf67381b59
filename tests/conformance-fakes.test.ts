// The conformance suite run against the in-memory fake pool types (the keyv pattern: the
// published suite is itself tested against an adapter that needs no server). The proof that it
// catches the mistakes it is there to catch is packages/testing/test/conformance-detects.test.ts.
import { describe, expect, it } from 'vitest';
import { checkConfig, DriverRegistry } from '@outpools/core';
import { createFakeDriver, describeConformance, noopDriver, toToml } from '@outpools/testing';

describeConformance({
  driver: noopDriver,
  packageName: '@outpools/testing',
  live: true,
  workers: 3,
  unreachableDriver: createFakeDriver({ type: 'noop', connectFailures: Number.MAX_SAFE_INTEGER }).driver,
  breakConnection: false, // in memory: nothing to break
});

const fake = createFakeDriver({ concurrency: 4, refuseStrategies: ['available_worker', 'next_available_worker'] });
describeConformance({
  driver: fake.driver,
  title: 'fake pool type conformance (strategy vetoes, concurrency 4)',
  packageName: '@outpools/testing',
  connection: { label: 'conformance' },
  live: true,
  workers: 2,
  unreachableDriver: createFakeDriver({ connectFailures: Number.MAX_SAFE_INTEGER }).driver,
  // the fake's connection breaks the way a driver reports it
  breakConnection: { kill: (connection) => connection.lost(new Error('killed from the outside')) },
});

describe('the conformance suite itself', () => {
  it('writes TOML that the configuration layer reads back', () => {
    const nested = toToml({
      outgoing_pools: { fake: { main: { connection: { nested: { flag: true, list: [{ host: 'h', port: 1 }] } } } } },
    });
    expect(nested).toBe(
      '[outgoing_pools.fake.main.connection.nested]\nflag = true\nlist = [{ host = "h", port = 1 }]\n',
    );
    const text = toToml({
      general: { hosts: ['a.example', 'b "quoted"'] },
      outgoing_pools: { fake: { main: { workers: 2, connection: { label: 'x' } }, empty: { connection: {} } } },
    });
    expect(text).toContain('[outgoing_pools.fake.main]\nworkers = 2');
    const result = checkConfig(text, { registry: new DriverRegistry([fake.driver]) });
    expect(result.errors).toEqual([]);
    expect(result.config?.hosts).toEqual(['a.example', 'b "quoted"']);
    expect(result.config?.pools.map((p) => [p.tag, p.options.workers, p.connection])).toEqual([
      ['main', 2, { label: 'x' }],
      ['empty', 10, { label: 'fake' }],
    ]);
  });

  it('is the fake driver that ran the live groups above', () => {
    // Workers of the live pool connected and were closed again by the suite's stop.
    expect(fake.counts.connects).toBeGreaterThanOrEqual(2);
    expect(fake.counts.closes).toBe(fake.counts.connects);
    expect(fake.connections.every((c) => c.closed)).toBe(true);
  });
});
