/**
 * `@outpools/core/driver`: what a pool-type author builds on. The contract ({@link defineDriver},
 * the contexts, {@link PoolHandle}), TypeBox for the connection schema, the shared TLS section
 * and its mapping to `node:tls`, abort helpers, the errors a driver throws and
 * {@link optionsTable} for the README's option table. Applications
 * import `@outpools/core`. See docs/writing-a-pool-type.md.
 *
 * @example
 * ```ts
 * import { defineDriver, Type } from '@outpools/core/driver';
 *
 * export const echoDriver = defineDriver({
 *   type: 'echo',
 *   connectionSchema: Type.Object({ prefix: Type.String({ default: '' }) }, { additionalProperties: false }),
 *   async connect(options) { return { prefix: options.prefix }; },
 *   async close() {},
 *   async ping() { return true; },
 *   client: (pool) => ({ echo: (s: string) => pool.run((c) => c.prefix + s) }),
 * });
 * ```
 * @module
 */

// --- TypeBox, re-exported so that drivers and the core share one copy
export { default as Type } from 'typebox';
export type { Static, TObject, TProperties, TSchema } from 'typebox';

// --- the contract
export { defineDriver, DEFAULT_LIVENESS, DEFAULT_RECONNECT } from './contract.js';
export type {
  PoolDriver,
  DriverDefinition,
  PoolDefaults,
  DriverCheckContext,
  ReconnectPolicy,
  FirstRetries,
  LivenessPolicy,
  ConnectContext,
  CallContext,
  CompletionContext,
  TlsForHost,
  Picker,
  RunOptions,
  PoolHandle,
  ClientOf,
  OptionsOf,
} from './contract.js';
export type { RoutingStrategy, StrategyFactory, WorkerView, RandomSource } from '../strategies/types.js';
export type { Strategy, PoolOptions } from '../config/pool-schema.js';
export { callContext } from '../engine/standalone-context.js';
export type { StandaloneContextOptions } from '../engine/standalone-context.js';
export { raceAbort } from '../engine/abort.js';
export { runCallbackOver } from './run-callback-over.js';
export { corkForTurn, batchWritesPerTurn } from './write-batching.js';
export type { CorkableStream, BatchableStream } from './write-batching.js';

// --- the shared TLS section and its mapping
export { TlsSchema, tlsSchemaWith, TLS_VERSIONS, VERIFY_MODES, withTlsDefaults } from '../tls/schema.js';
export type { TlsConfig, TlsConfigResolved, TlsVersionName, VerifyMode } from '../tls/schema.js';
export { toNodeTlsOptions, tlsCheckedName } from '../tls/map.js';
export type { TlsTarget } from '../tls/map.js';
export { verifyTlsPeer, TlsPeerError } from '../tls/verify.js';
export type { TlsFailureListener } from '../tls/verify.js';
export { connectTls } from '../tls/connect.js';
export type { ConnectTlsOptions } from '../tls/connect.js';

// --- messages
export { REDACTED, redactSecrets } from '../config/issues.js';

// --- docs: a schema's option table for a README
export { optionsTable } from '../config/options-table.js';
export type { OptionsTableOptions } from '../config/options-table.js';

// --- errors
export {
  ErrorCodes,
  OutpoolsError,
  CallTimeoutError,
  ConnectionLostError,
  NoWorkersError,
  NoAvailableWorkersError,
  RequestDroppedError,
  PoolStoppedError,
  TlsConfigError,
  formatPoolKey,
  messageOf,
} from '../errors.js';
export type { ErrorCode, PoolKey, OutpoolsErrorOptions } from '../errors.js';
