/**
 * `@outpools/otel`: each outpools pool's stats and timings as OpenTelemetry metrics, under the
 * database-client connection-pool names (`db.client.connection.count`, `.max`,
 * `.pending_requests`, `.timeouts`, `.create_time`, `.wait_time`, `.use_time`).
 *
 * @example
 * ```ts
 * import { instrumentPools } from '@outpools/otel';
 *
 * const pools = createPools(config, { registry });
 * instrumentPools(pools);
 * ```
 * @module
 */
export { instrumentPools } from './instrument.js';
export type { InstrumentOptions, InstrumentablePools, PoolsInstrumentation } from './instrument.js';
export { ATTR_POOL_NAME, ATTR_STATE, DB_CLIENT_CONNECTION_METRICS, DURATION_BUCKETS_S } from './names.js';
