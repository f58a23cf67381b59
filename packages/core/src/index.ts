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
export { defineDriver, DEFAULT_RECONNECT } from './driver.js';
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
} from './driver.js';

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
export { TlsSchema, tlsSchemaWith, TLS_VERSIONS, VERIFY_MODES } from './config/tls-schema.js';
export type { TlsConfig, TlsVersionName, VerifyMode } from './config/tls-schema.js';

// --- config loading, validation, registry, scopes (config area)
export type { PoolSpec, PoolInstanceSpec, LoadedConfig } from './config/types.js';

// --- TLS mapping (tls area)

// --- engine: pools, workers, strategies, manager, stats, events (engine area)
