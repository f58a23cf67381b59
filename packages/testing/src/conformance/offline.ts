/**
 * The offline conformance groups: what every pool type must get right without a server —
 * its schema (defaults, unknown keys, wrong types, TLS section), its strategy vetoes, and the
 * shape of the driver object.
 * @module
 */
import { describe, expect, it } from 'vitest';
import { STRATEGIES } from '@outpools/core';
import type { PoolDriver } from '@outpools/core/driver';
import { checkOne, describeIssues, poolPath, TAG, type ConformanceOptions } from './options.js';
import { defaultsOf, isClosedObject, propertiesOf, requiredOf, wrongTypeValue } from './schema-probe.js';
import type { TomlValue } from './toml.js';

const UNKNOWN_KEY = 'conformance_unknown_key';

/** The schema group: defaults, minimal table, unknown keys, wrong types, TLS. */
export function schemaGroup(options: ConformanceOptions): void {
  const { driver } = options;
  const connection = options.connection ?? {};
  const path = poolPath(driver);

  describe('connection schema', () => {
    it('accepts the minimal connection table and fills in every default', () => {
      const result = checkOne(options, connection);
      expect(result.ok, describeIssues(result)).toBe(true);
      const pool = result.config?.pools.find((p) => p.type === driver.type && p.tag === TAG);
      expect(pool).toBeDefined();
      for (const [name, value] of Object.entries(defaultsOf(driver.connectionSchema))) {
        if (name in connection) continue;
        if (driver.resolve) expect(pool!.connection[name], `connection.${name}`).toBeDefined();
        else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
          // a sub-table whose default is a table: its own keys' defaults are filled in too
          expect(pool!.connection[name], `connection.${name}`).toMatchObject(value);
        } else expect(pool!.connection[name], `connection.${name}`).toEqual(value);
      }
    });

    it('fills in the pool options with the type defaults', () => {
      const result = checkOne(options, connection);
      const pool = result.config?.pools[0];
      expect(pool?.options.strategy ?? 'best_worker').toBe(options.pool?.strategy ?? 'best_worker');
      if (options.pool?.workers === undefined) expect(pool?.options.workers).toBe(driver.defaults?.workers ?? 10);
      if (options.pool?.call_timeout === undefined) {
        expect(pool?.options.call_timeout).toBe(driver.defaults?.call_timeout ?? 5000);
      }
    });

    it('rejects an unknown connection key at its own path', () => {
      const result = checkOne(options, { ...connection, [UNKNOWN_KEY]: 1 });
      expect(result.ok).toBe(false);
      expect(result.errors.map((e) => e.path)).toContain(`${path}.connection.${UNKNOWN_KEY}`);
    });

    const properties = Object.entries(propertiesOf(driver.connectionSchema));
    for (const [name, schema] of properties) {
      const wrong = wrongTypeValue(schema);
      if (wrong === undefined) continue;
      it(`rejects a ${wrong.kind} for connection.${name} with its path`, () => {
        const result = checkOne(options, { ...connection, [name]: wrong.value as TomlValue });
        expect(result.ok).toBe(false);
        const paths = result.errors.map((e) => e.path);
        expect(
          paths.some((p) => p === `${path}.connection.${name}` || p.startsWith(`${path}.connection.${name}.`)),
          describeIssues(result),
        ).toBe(true);
      });
    }

    if (options.tls ?? 'tls' in propertiesOf(driver.connectionSchema)) {
      it('accepts a TLS section', () => {
        const result = checkOne(options, { ...connection, tls: { verify_mode: 'none' } });
        expect(result.ok, describeIssues(result)).toBe(true);
      });

      it('rejects a server-only TLS key at its path', () => {
        const result = checkOne(options, { ...connection, tls: { verify_mode: 'none', dhfile: '/nonexistent' } });
        expect(result.ok).toBe(false);
        expect(result.errors.map((e) => e.path)).toContain(`${path}.connection.tls.dhfile`);
      });
    } else {
      it('rejects a TLS section at its path', () => {
        const result = checkOne(options, { ...connection, tls: { verify_mode: 'none' } });
        expect(result.ok).toBe(false);
        expect(result.errors.map((e) => e.path)).toContain(`${path}.connection.tls`);
      });
    }
  });
}

/** The strategy group: a refused strategy is a config error at `strategy`, never a crash. */
export function strategyGroup(options: ConformanceOptions): void {
  const { driver } = options;
  describe('strategies', () => {
    for (const strategy of STRATEGIES) {
      const reason = driver.refuseStrategy?.(strategy);
      if (reason === undefined) {
        it(`accepts strategy = "${strategy}"`, () => {
          const result = checkOne(options, options.connection ?? {}, { strategy });
          expect(result.ok, describeIssues(result)).toBe(true);
          expect(result.config?.pools[0]?.options.strategy).toBe(strategy);
        });
      } else {
        it(`refuses strategy = "${strategy}" as a config error at the strategy key`, () => {
          expect(typeof reason).toBe('string');
          const result = checkOne(options, options.connection ?? {}, { strategy });
          expect(result.ok).toBe(false);
          expect(result.errors.map((e) => e.path)).toContain(`${poolPath(driver)}.strategy`);
        });
      }
    }
  });
}

function packageNameMatches(driver: PoolDriver, expected: string | undefined): boolean {
  if (expected !== undefined) return driver.packageName === expected;
  if (driver.packageName === undefined) return true;
  return driver.packageName.endsWith(`-${driver.type}`) || driver.packageName.endsWith(`/${driver.type}`);
}

/** The driver-object group: naming, schema conventions, hooks, and a client built lazily. */
export function driverObjectGroup(options: ConformanceOptions): void {
  const { driver } = options;
  describe('driver object', () => {
    it('names its type with one lowercase word that matches its package name', () => {
      expect(driver.type).toMatch(/^[a-z]+$/);
      expect(packageNameMatches(driver, options.packageName), `packageName ${driver.packageName}`).toBe(true);
    });

    it('has a closed object schema whose defaulted keys are not optional', () => {
      expect(isClosedObject(driver.connectionSchema)).toBe(true);
      const required = new Set(requiredOf(driver.connectionSchema));
      const optionalWithDefault = Object.keys(defaultsOf(driver.connectionSchema)).filter((k) => !required.has(k));
      expect(optionalWithDefault).toEqual([]);
    });

    it('implements connect, close, ping and client, and only function hooks', () => {
      for (const name of ['connect', 'close', 'ping', 'client'] as const)
        expect(typeof driver[name], name).toBe('function');
      for (const name of [
        'refuseStrategy',
        'resolve',
        'check',
        'concurrency',
        'maxQueue',
        'reconnect',
        'keepaliveMs',
      ] as const) {
        if (driver[name] !== undefined) expect(typeof driver[name], name).toBe('function');
      }
      for (const value of [driver.defaults?.workers, driver.defaults?.call_timeout]) {
        if (value !== undefined) expect(Number.isInteger(value) && value >= 1).toBe(true);
      }
    });

    it('derives sane concurrency, queue, reconnect and keepalive settings from its options', () => {
      const result = checkOne(options, options.connection ?? {});
      const connection = result.config?.pools[0]?.connection;
      expect(connection, describeIssues(result)).toBeDefined();
      const concurrency = driver.concurrency?.(connection!) ?? 1;
      expect(Number.isInteger(concurrency) && concurrency >= 1).toBe(true);
      const maxQueue = driver.maxQueue?.(connection!);
      if (maxQueue !== undefined) expect(maxQueue).toBeGreaterThanOrEqual(0);
      const keepalive = driver.keepaliveMs?.(connection!);
      if (keepalive !== undefined) expect(keepalive).toBeGreaterThan(0);
      const policy = driver.reconnect?.(connection!);
      if (policy?.kind === 'exponential') expect(policy.baseMs > 0 && policy.capMs >= policy.baseMs).toBe(true);
      else if (policy !== undefined) expect(policy.intervalMs).toBeGreaterThan(0);
    });

    it('builds its client without running anything on the pool', () => {
      const result = checkOne(options, options.connection ?? {});
      const connection = result.config?.pools[0]?.connection;
      let runs = 0;
      const handle = {
        key: { type: driver.type, host: 'global', tag: TAG },
        run: () => {
          runs += 1;
          return Promise.reject(new Error('not started'));
        },
        runCallback: () => {
          runs += 1;
          return Promise.reject(new Error('not started'));
        },
      };
      expect(driver.client(handle, connection!)).toBeDefined();
      expect(runs).toBe(0);
    });
  });
}
