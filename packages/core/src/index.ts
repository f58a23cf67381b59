/**
 * `@outpools/core`: outgoing connection pools configured by MongooseIM-compatible TOML, for
 * applications: load and check a configuration, start the pools, call them, watch their events,
 * stats and health. Pool-type authors import `@outpools/core/driver`.
 *
 * @example
 * ```ts
 * import { createPools, DriverRegistry, loadConfigFile } from '@outpools/core';
 * import { redisDriver } from '@outpools/driver-redis';
 *
 * const registry = new DriverRegistry([redisDriver]);
 * await using pools = createPools(await loadConfigFile('app.toml', { registry }), { registry });
 * await pools.start();
 * await pools.get(redisDriver, 'global', 'default').set('k', 'v');
 * ```
 * @module
 */

// --- errors
export {
  ErrorCodes,
  OutpoolsError,
  ConfigError,
  PoolTypeNotRegisteredError,
  PoolNotFoundError,
  NoWorkersError,
  NoAvailableWorkersError,
  CallTimeoutError,
  ConnectionLostError,
  RequestDroppedError,
  PoolStoppedError,
  PoolNotStartedError,
  PoolStartError,
  DriverRegistrationError,
  DuplicatePoolError,
  TlsConfigError,
  formatPoolKey,
} from './errors.js';
export type { ErrorCode, PoolKey, ConfigIssue, OutpoolsErrorOptions } from './errors.js';
export { TlsPeerError } from './tls/verify.js';

// --- configuration
export { parseConfig, checkConfig, loadConfigFile } from './config/load.js';
export type { ConfigOptions, CheckResult } from './config/load.js';
export type { PoolSpec, PoolInstanceSpec, LoadedConfig } from './config/types.js';
export { configJsonSchema } from './config/json-schema.js';
export { STRATEGIES, SCOPES } from './config/pool-schema.js';
export type { Strategy, Scope, ScopeInput, PoolOptions } from './config/pool-schema.js';
export type { TlsConfig, VerifyMode } from './tls/schema.js';
export { GLOBAL_HOST } from './config/scope.js';

// --- pool types
export { DriverRegistry } from './driver/registry.js';
export type { AnyPoolDriver } from './driver/registry.js';
export { loadDrivers } from './driver/loader.js';
export type { LoadDriversOptions, LoadDriversResult, DriverLoadFailure } from './driver/loader.js';
export type {
  PoolDriver,
  ClientOf,
  OptionsOf,
  CallContext,
  CompletionContext,
  RunOptions,
  Picker,
  PoolHandle,
} from './driver/contract.js';
export type { RoutingStrategy, WorkerView } from './strategies/types.js';

// --- pools
export { createPools, Pools } from './engine/pools.js';
export type {
  PoolsOptions,
  StartOptions,
  StartReport,
  ReloadOptions,
  ReloadFileOptions,
  ReloadOnSignalOptions,
  ReloadReport,
} from './engine/pools.js';
export type { SignalReloader } from './engine/reload-signal.js';
export { Pool } from './engine/pool.js';
export type { InstanceReport, HealthReport } from './engine/pool.js';
export { PoolEvents, POOL_EVENTS } from './engine/events.js';
export type {
  PoolEventMap,
  PoolEventName,
  CallStage,
  ConnectEvent,
  DisconnectEvent,
  ReconnectAttemptEvent,
  CallTimeoutEvent,
  DropEvent,
  CloseErrorEvent,
  BlockedEvent,
  UnblockedEvent,
  CallEvent,
  ReloadEvent,
  ReloadFailedEvent,
  TlsVerifyFailedEvent,
} from './engine/events.js';
export type { PoolStats, PoolCounters, LatencySummary } from './engine/stats.js';
