/**
 * Start real pools from TOML text through the core engine, build one pool's TOML section, and
 * give a driver another reconnect policy: the setup every driver's engine-level tests repeat.
 * @module
 */
import {
  createPools,
  DriverRegistry,
  parseConfig,
  type AnyPoolDriver,
  type Pools,
  type StartReport,
} from '@outpools/core';
import type { ReconnectPolicy } from '@outpools/core/driver';
import { toToml, type TomlValue } from '../conformance/toml.js';

/** What {@link startPoolsFromToml} returns: the started pools and the start report. */
export interface StartedPools {
  readonly pools: Pools;
  readonly report: StartReport;
}

/**
 * Parse `toml` with a registry of `drivers`, create the pools and start them. Throws when the
 * configuration is invalid (as `parseConfig` does); a pool that could not connect shows in `report`.
 * Stop the pools yourself (`await pools.stop()`).
 * @example
 * ```ts
 * const { pools, report } = await startPoolsFromToml(poolToml('redis', 'default', { workers: 2 }, { port: 6379 }), [redisDriver]);
 * expect(report.ok).toBe(true);
 * await pools.stop();
 * ```
 */
export async function startPoolsFromToml(toml: string, drivers: readonly AnyPoolDriver[]): Promise<StartedPools> {
  const registry = new DriverRegistry(drivers);
  const pools = createPools(parseConfig(toml, { registry }), { registry });
  const report = await pools.start();
  return { pools, report };
}

/** The keys and values of one TOML table (nested tables allowed: they become sub-sections). */
export type TomlTable = Readonly<Record<string, TomlValue>>;

/**
 * A TOML document with one pool, `[outgoing_pools.<type>.<tag>]` with the `pool` keys, its
 * `connection` table and, when given, `connection.tls`. Strings are quoted, arrays and nested
 * tables written as TOML.
 * @example
 * ```ts
 * poolToml('redis', 'default', { workers: 2 }, { port: 6379 }, { verify_mode: 'none' });
 * ```
 */
export function poolToml(type: string, tag: string, pool: TomlTable, connection: TomlTable, tls?: TomlTable): string {
  const section = { ...pool, connection: tls === undefined ? connection : { ...connection, tls } };
  return toToml({ outgoing_pools: { [type]: { [tag]: section } } });
}

/**
 * A copy of `driver` (frozen, same type) whose reconnect policy is always `policy`: tests use a
 * short backoff so they can wait for "the cap + 1 s".
 * @example
 * ```ts
 * const fast = withReconnect(redisDriver, { kind: 'exponential', baseMs: 50, capMs: 500 });
 * ```
 */
export function withReconnect<D extends { readonly type: string }>(driver: D, policy: ReconnectPolicy): D {
  return Object.freeze({ ...driver, reconnect: () => policy });
}
