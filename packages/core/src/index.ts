/**
 * `@outpools/core`: outgoing connection pools configured by MongooseIM-compatible TOML.
 * Explicit named exports only. Each section below belongs to one area of the core.
 * @module
 */

// --- TypeBox, re-exported so that drivers and the core share one copy
export { default as Type } from 'typebox';
export type { Static, TObject, TProperties, TSchema } from 'typebox';

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
  PublishNackedError,
  PoolStoppedError,
  PoolStartError,
  formatPoolKey,
} from './errors.js';
export type { ErrorCode, PoolKey, ConfigIssue, OutpoolsErrorOptions } from './errors.js';

// --- driver contract
export { defineDriver, DEFAULT_RECONNECT } from './driver/contract.js';
export type {
  PoolDriver,
  PoolDefaults,
  DriverCheckContext,
  ReconnectPolicy,
  ConnectContext,
  CallContext,
  WorkerView,
  Picker,
  RunOptions,
  PoolHandle,
  ClientOf,
  OptionsOf,
} from './driver/contract.js';

// --- shared schemas
export {
  STRATEGIES,
  SCOPES,
  StrategySchema,
  ScopeSchema,
  PoolOptionsSchema,
  normalizeScope,
} from './config/pool-schema.js';
export type { Strategy, Scope, ScopeInput, PoolOptions, PoolOptionsResolved } from './config/pool-schema.js';
export { TlsSchema, tlsSchemaWith, TLS_VERSIONS, VERIFY_MODES } from './tls/schema.js';
export type { TlsConfig, TlsVersionName, VerifyMode } from './tls/schema.js';

// --- config loading, validation, registry, scopes (config area)
export type { PoolSpec, PoolInstanceSpec, LoadedConfig } from './config/types.js';
export { parseConfig, checkConfig, loadConfigFile } from './config/load.js';
export type { ConfigOptions, CheckResult } from './config/load.js';
export { readToml } from './config/toml.js';
export type { TomlDocument, TomlResult } from './config/toml.js';
export { checkValue } from './config/schema-check.js';
export type { CheckLocation } from './config/schema-check.js';
export { expectedText } from './config/schema-text.js';
export type { SchemaNode } from './config/schema-text.js';
export { withDefaults } from './config/defaults.js';
export { REDACTED, joinPath, describeValue, suggest, redactSecrets } from './config/issues.js';
export { BUILTIN_TYPES } from './config/validate.js';
export { configJsonSchema } from './config/json-schema.js';
export { DriverRegistry, driverPackageName, isPoolDriver } from './driver/registry.js';
export type { AnyPoolDriver } from './driver/registry.js';
export { loadDrivers, driversOf } from './driver/loader.js';
export type { LoadDriversOptions, LoadDriversResult, DriverLoadFailure } from './driver/loader.js';
export { expandPools, poolKeysOf, poolKeyId, resolvePool, GLOBAL_HOST } from './config/scope.js';

// --- TLS mapping (tls area)
export { tlsIssues, fileProblem, versionRange, TLS_FILE_KEYS } from './tls/rules.js';
export type { TlsIssues } from './tls/rules.js';
export { toNodeTlsOptions, tlsCheckedName, NODE_TLS_VERSIONS } from './tls/map.js';
export type { TlsTarget, NodeTlsVersion } from './tls/map.js';
export { verifyTlsPeer, TlsPeerError, TLS_PEER_ERROR_CODE, SELF_SIGNED_CODES } from './tls/verify.js';
export { connectTls } from './tls/connect.js';
export type { ConnectTlsOptions } from './tls/connect.js';

// --- engine: pools, workers, strategies, manager, stats, events (engine area)
export { createPools, Pools } from './engine/pools.js';
export type { PoolsOptions, StartOptions, StartReport } from './engine/pools.js';
export { raceAbort } from './engine/abort.js';
export { Pool } from './engine/pool.js';
export type { InstanceReport } from './engine/pool-core.js';
export type { HealthReport } from './engine/health.js';
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
} from './engine/events.js';
export { LatencyRecorder } from './engine/stats.js';
export type { PoolStats, PoolCounters, LatencySummary } from './engine/stats.js';
export { backoffDelay } from './engine/backoff.js';
export type { RandomSource } from './engine/backoff.js';
export {
  STRATEGY_FACTORIES,
  bestWorker,
  randomWorker,
  nextWorker,
  availableWorker,
  nextAvailableWorker,
  hashIndex,
  isIdle,
} from './strategies/index.js';
export type { StrategyFactory, WorkerPick } from './strategies/index.js';
