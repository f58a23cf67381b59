/**
 * The live conformance groups: a 1–3 worker pool configured from TOML against a real server
 * (start, health, ping, run, stop, no leaked handles), and a pool pointed at a closed port.
 * @module
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createPools, parseConfig } from '@outpools/core';
import { PoolStoppedError, type PoolDriver } from '@outpools/core/driver';
import { activeResources, closedPort, settledResources } from './handles.js';
import { oneDriverToml, registryWith, TAG, type ConformanceOptions } from './options.js';
import { propertiesOf } from './schema-probe.js';
import type { TomlValue } from './toml.js';

type Pools = ReturnType<typeof createPools>;

/** The driver wrapped so that the suite sees every connection it opens and closes. */
function tracked(driver: PoolDriver): { driver: PoolDriver; opened: Set<unknown>; closed: Set<unknown> } {
  const opened = new Set<unknown>();
  const closed = new Set<unknown>();
  const wrapped: PoolDriver = {
    ...driver,
    async connect(options, ctx) {
      const connection = await driver.connect(options, ctx);
      opened.add(connection);
      return connection;
    },
    async close(connection) {
      closed.add(connection);
      await driver.close(connection);
    },
  };
  return { driver: wrapped, opened, closed };
}

function secretsOf(connection: Readonly<Record<string, TomlValue>>): string[] {
  const found: string[] = [];
  const visit = (value: TomlValue, key: string): void => {
    if (typeof value === 'string' && key === 'password' && value.length >= 3) found.push(value);
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) visit(v as TomlValue, k);
    }
  };
  visit(connection as TomlValue, '');
  return found;
}

function defaultUnreachable(options: ConformanceOptions, port: number): Readonly<Record<string, TomlValue>> {
  if (options.unreachable) return options.unreachable(port);
  if (options.unreachableDriver) return options.connection ?? {};
  if (!('port' in propertiesOf(options.driver.connectionSchema))) {
    throw new Error(`the ${options.driver.type} schema has no "port": pass options.unreachable to describeConformance`);
  }
  return { ...options.connection, port };
}

/** The group against a live server. */
export function liveGroup(options: ConformanceOptions): void {
  const { driver } = options;
  const workers = Math.min(3, Math.max(1, options.workers ?? 2));
  const timeout = options.timeoutMs ?? 10_000;
  const t = tracked(driver);
  const registry = registryWith(t.driver, options.registry);
  const toml = oneDriverToml(driver, options.connection ?? {}, { ...options.pool, workers });
  let pools: Pools | undefined;
  let baseline: Map<string, number> = new Map();

  const started = (): Pools => {
    if (!pools) throw new Error('the pool did not start (see the first test of this group)');
    return pools;
  };

  describe(`live: a ${workers}-worker pool from TOML`, () => {
    afterAll(async () => {
      await pools?.stop();
    });

    it(
      'starts with every worker live',
      async () => {
        baseline = activeResources();
        const config = parseConfig(toml, { registry });
        pools = createPools(config, { registry });
        const report = await pools.start();
        expect(report.instances).toHaveLength(1);
        expect(report.instances[0], report.instances[0]?.error).toMatchObject({ live: workers, workers });
        expect(report.ok).toBe(true);
        expect(t.opened.size).toBe(workers);
      },
      timeout,
    );

    it(
      'reports the pool healthy',
      async () => {
        const health = await started().health();
        expect(health).toHaveLength(1);
        expect(health[0], health[0]?.error).toMatchObject({ ok: true });
        expect(health[0]!.ms).toBeGreaterThanOrEqual(0);
      },
      timeout,
    );

    it(
      'answers ping on a pooled connection',
      async () => {
        const pool = started().pool(driver.type, 'global', TAG);
        await pool.run((connection, ctx) => driver.ping(connection, ctx));
      },
      timeout,
    );

    it(
      'passes one of its own connections to a call through pool.run',
      async () => {
        const pool = started().pool(driver.type, 'global', TAG);
        const seen = await pool.run((connection) => connection);
        expect(t.opened.has(seen)).toBe(true);
      },
      timeout,
    );

    it('builds its typed client through pools.get', () => {
      expect(started().get(driver.type, 'global', TAG)).toBeDefined();
    });

    it(
      'closes every connection on stop and leaves no active handle',
      async () => {
        const running = started();
        const pool = running.pool(driver.type, 'global', TAG);
        await running.stop();
        expect([...t.opened].filter((c) => !t.closed.has(c))).toHaveLength(0);
        await expect(pool.run((connection) => connection)).rejects.toBeInstanceOf(PoolStoppedError);
        expect(await settledResources(baseline, 2000)).toEqual([]);
      },
      timeout,
    );

    it(
      'stops a second time without error',
      async () => {
        await expect(started().stop()).resolves.toBeUndefined();
      },
      timeout,
    );
  });
}

/** The group against a port where nothing listens. */
export function unreachableGroup(options: ConformanceOptions): void {
  const { driver } = options;
  const timeout = options.timeoutMs ?? 10_000;
  const registry = registryWith((options.unreachableDriver as PoolDriver | undefined) ?? driver, options.registry);

  describe('live: a pool pointed at a closed port', () => {
    let pools: Pools | undefined;
    afterAll(async () => {
      await pools?.stop();
    });

    it(
      'reports no live worker without throwing, and stops cleanly',
      async () => {
        const port = await closedPort();
        const connection = defaultUnreachable(options, port);
        const baseline = activeResources();
        const toml = oneDriverToml(driver, connection, { ...options.pool, workers: 1 });
        pools = createPools(parseConfig(toml, { registry }), { registry });
        const report = await pools.start();
        expect(report.ok).toBe(false);
        expect(report.instances[0]).toMatchObject({ live: 0, workers: 1 });
        const health = await pools.health();
        expect(health[0]?.ok).toBe(false);
        const printed = JSON.stringify({ report, health });
        for (const secret of secretsOf(connection)) expect(printed).not.toContain(secret);
        await pools.stop();
        expect(await settledResources(baseline, 2000)).toEqual([]);
      },
      timeout,
    );
  });
}
