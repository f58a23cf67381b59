/**
 * The conformance suite every pool type runs (the keyv `@keyv/test-suite` pattern).
 * @module
 */
import { describe } from 'vitest';
import { driverObjectGroup, schemaGroup, strategyGroup } from './offline.js';
import { liveGroup, unreachableGroup } from './live.js';
import { brokenConnectionGroup } from './broken-connection.js';
import type { ConformanceOptions } from './options.js';

/**
 * Register the conformance groups of a pool type with vitest: offline groups always (schema
 * defaults, unknown keys, wrong types, TLS section, strategy vetoes, the driver object), and
 * live groups when `live` is set (a 1–3 worker pool from TOML: start, health, ping, `pool.run`,
 * stop with no leaked handle, stop twice; one pooled connection broken from the outside must
 * serve again within the backoff bound with no call hanging; and a pool pointed at a closed port).
 *
 * Call it at the top level of a test file.
 * @example
 * ```ts
 * // packages/driver-redis/test/conformance.test.ts
 * import { describeConformance } from '@outpools/testing';
 * import { redisDriver } from '@outpools/driver-redis';
 *
 * describeConformance({
 *   driver: redisDriver,
 *   connection: { host: '127.0.0.1', port: 6379 },
 *   live: true,
 * });
 * ```
 */
export function describeConformance<O extends object, C, T>(typed: ConformanceOptions<O, C, T>): void {
  // The groups only handle the driver through the core's untyped registry.
  const options = typed as unknown as ConformanceOptions;
  describe(options.title ?? `${options.driver.type} pool type conformance`, () => {
    driverObjectGroup(options);
    schemaGroup(options);
    strategyGroup(options);
    if (options.live) {
      liveGroup(options);
      brokenConnectionGroup(options);
      unreachableGroup(options);
    }
  });
}

export type { ConformanceOptions } from './options.js';
export type { BreakConnection } from './broken-connection.js';
export { toToml, type TomlValue } from './toml.js';
export { closedPort, activeResources, extraResources, settledResources, waitFor } from './handles.js';
