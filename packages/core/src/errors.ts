/**
 * Every error outpools throws is an {@link OutpoolsError} with a stable `code`.
 *
 * `instanceof` works across two installed copies of `@outpools/core`: each class is branded with
 * a `Symbol.for` key and checks the brand in `Symbol.hasInstance` (the undici technique).
 *
 * @example
 * ```ts
 * try {
 *   await pools.get('redis', 'global', 'default');
 * } catch (error) {
 *   if (error instanceof PoolNotFoundError) console.log(error.code, error.poolKey);
 * }
 * ```
 * @module
 */

/** A pool instance's identity: `(type, host, tag)`; `host` is `"global"` for global pools. */
export interface PoolKey {
  readonly type: string;
  readonly host: string;
  readonly tag: string;
}

/** `type.tag@host`, the way pool keys are printed in messages. */
export function formatPoolKey(key: PoolKey): string {
  return `${key.type}.${key.tag}@${key.host}`;
}

/** One problem found in a configuration file. */
export interface ConfigIssue {
  /** Full dotted TOML path, e.g. `outgoing_pools.redis.default.connection.port`. */
  readonly path: string;
  readonly message: string;
}

/**
 * The message of any thrown value: an `Error`'s message, else the value as a string.
 * @example
 * ```ts
 * messageOf(new Error('refused')); // 'refused'
 * messageOf('plain');              // 'plain'
 * ```
 */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The stable error codes, one per error class. */
export const ErrorCodes = {
  ConfigError: 'OUTPOOLS_CONFIG',
  PoolTypeNotRegisteredError: 'OUTPOOLS_POOL_TYPE_NOT_REGISTERED',
  PoolNotFoundError: 'OUTPOOLS_POOL_NOT_FOUND',
  NoWorkersError: 'OUTPOOLS_NO_WORKERS',
  NoAvailableWorkersError: 'OUTPOOLS_NO_AVAILABLE_WORKERS',
  CallTimeoutError: 'OUTPOOLS_CALL_TIMEOUT',
  ConnectionLostError: 'OUTPOOLS_CONNECTION_LOST',
  RequestDroppedError: 'OUTPOOLS_REQUEST_DROPPED',
  PoolStoppedError: 'OUTPOOLS_POOL_STOPPED',
  PoolNotStartedError: 'OUTPOOLS_POOL_NOT_STARTED',
  PoolStartError: 'OUTPOOLS_POOL_START',
  DriverRegistrationError: 'OUTPOOLS_DRIVER_REGISTRATION',
  DuplicatePoolError: 'OUTPOOLS_DUPLICATE_POOL',
  TlsConfigError: 'OUTPOOLS_TLS_CONFIG',
  /** Thrown by `verifyTlsPeer` (`tls/verify.ts`), which keeps its own `TLS_PEER_ERROR_CODE` equal to this. */
  TlsPeerError: 'OUTPOOLS_TLS_PEER',
} as const;

/** One of {@link ErrorCodes}' values. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

const BRAND = Symbol.for('outpools.error');
const brandOf = (name: string): symbol => Symbol.for(`outpools.error.${name}`);

/** Options shared by every outpools error. */
export interface OutpoolsErrorOptions {
  /** The underlying error (for example the client library's). */
  readonly cause?: unknown;
  /** The pool the error is about, when there is one. */
  readonly poolKey?: PoolKey;
}

/** Base class of every error outpools throws. */
export class OutpoolsError extends Error {
  /** Stable, documented code: see `docs/errors.md`. */
  readonly code: ErrorCode | string;
  /** The pool the error is about, when there is one. */
  readonly poolKey: PoolKey | undefined;

  constructor(code: ErrorCode | string, message: string, options: OutpoolsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.poolKey = options.poolKey;
    Object.defineProperty(this, 'name', { value: new.target.name, enumerable: false, configurable: true });
    Object.defineProperty(this, BRAND, { value: true });
    Object.defineProperty(this, brandOf(new.target.name), { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    // `this` is the class `instanceof` was asked about (a subclass inherits this method).
    // biome-ignore lint/complexity/noThisInStatic: the subclass is what decides the brand
    const brand = this.name === 'OutpoolsError' ? BRAND : brandOf(this.name);
    return (value as Record<symbol, unknown>)[brand] === true;
  }
}

function keySuffix(key: PoolKey | undefined): string {
  return key ? ` (pool ${formatPoolKey(key)})` : '';
}

/** The configuration has errors; `issues` lists every one of them with its TOML path. */
export class ConfigError extends OutpoolsError {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[], options: OutpoolsErrorOptions & { file?: string } = {}) {
    const head = `${options.file ? `${options.file}: ` : ''}invalid configuration (${issues.length} ${
      issues.length === 1 ? 'error' : 'errors'
    })`;
    super(ErrorCodes.ConfigError, [head, ...issues.map((i) => `  ${i.path}: ${i.message}`)].join('\n'), options);
    this.issues = issues;
  }
}

/** The configuration names a pool type that no registered driver provides. */
export class PoolTypeNotRegisteredError extends OutpoolsError {
  readonly type: string;
  constructor(type: string, options: OutpoolsErrorOptions = {}) {
    super(
      ErrorCodes.PoolTypeNotRegisteredError,
      `pool type "${type}" is not registered: install @outpools/driver-${type} or outpools-driver-${type} and register its driver (new DriverRegistry([...])), or load a module that provides it (outpools --plugin <module>)`,
      options,
    );
    this.type = type;
  }
}

/**
 * No pool matches the key, not even through the host-to-global fallback. The message names the
 * key asked for and, after a fallback, the global key tried last (`poolKey`).
 */
export class PoolNotFoundError extends OutpoolsError {
  /** The key that was asked for (`poolKey` is the one tried last: its global fallback, if any). */
  readonly requestedKey: PoolKey;
  constructor(key: PoolKey, options: OutpoolsErrorOptions & { requested?: PoolKey } = {}) {
    const requested = options.requested ?? key;
    const fallback = requested.host === key.host ? '' : ` (nor its global fallback ${formatPoolKey(key)})`;
    super(ErrorCodes.PoolNotFoundError, `no pool ${formatPoolKey(requested)}${fallback}`, {
      ...(options.cause !== undefined && { cause: options.cause }),
      poolKey: key,
    });
    this.requestedKey = requested;
  }
}

/** The pool has no live worker (every connection is down or reconnecting). */
export class NoWorkersError extends OutpoolsError {
  constructor(key?: PoolKey, options: OutpoolsErrorOptions = {}) {
    super(ErrorCodes.NoWorkersError, `no live worker${keySuffix(key)}`, { ...options, ...(key && { poolKey: key }) });
  }
}

/** `next_available_worker` found no idle worker. */
export class NoAvailableWorkersError extends OutpoolsError {
  constructor(key?: PoolKey, options: OutpoolsErrorOptions = {}) {
    super(ErrorCodes.NoAvailableWorkersError, `no idle worker${keySuffix(key)}`, {
      ...options,
      ...(key && { poolKey: key }),
    });
  }
}

/** The call did not finish within `call_timeout`. */
export class CallTimeoutError extends OutpoolsError {
  readonly timeoutMs: number;
  constructor(timeoutMs: number, key?: PoolKey, options: OutpoolsErrorOptions = {}) {
    super(ErrorCodes.CallTimeoutError, `call timed out after ${timeoutMs} ms${keySuffix(key)}`, {
      ...options,
      ...(key && { poolKey: key }),
    });
    this.timeoutMs = timeoutMs;
  }
}

/** The connection broke while the request was running on it. */
export class ConnectionLostError extends OutpoolsError {
  constructor(message = 'connection lost', key?: PoolKey, options: OutpoolsErrorOptions = {}) {
    super(ErrorCodes.ConnectionLostError, `${message}${keySuffix(key)}`, { ...options, ...(key && { poolKey: key }) });
  }
}

/** The request was dropped from a full worker mailbox (`max_worker_queue_len`). */
export class RequestDroppedError extends OutpoolsError {
  constructor(limit: number, key?: PoolKey, options: OutpoolsErrorOptions = {}) {
    super(ErrorCodes.RequestDroppedError, `request dropped: worker queue over its limit of ${limit}${keySuffix(key)}`, {
      ...options,
      ...(key && { poolKey: key }),
    });
  }
}

/** The pool is stopping or stopped and takes no new calls. */
export class PoolStoppedError extends OutpoolsError {
  constructor(key?: PoolKey, options: OutpoolsErrorOptions = {}) {
    super(ErrorCodes.PoolStoppedError, `pool is stopped${keySuffix(key)}`, {
      ...options,
      ...(key && { poolKey: key }),
    });
  }
}

/** A call was made before `pools.start()` (or `pool.start()`): nothing is connecting yet. */
export class PoolNotStartedError extends OutpoolsError {
  constructor(key?: PoolKey, options: OutpoolsErrorOptions = {}) {
    super(ErrorCodes.PoolNotStartedError, `the pools are not started: call start() first${keySuffix(key)}`, {
      ...options,
      ...(key && { poolKey: key }),
    });
  }
}

/** `start({ requireLive: true })` found a pool with no live worker. */
export class PoolStartError extends OutpoolsError {
  constructor(message: string, options: OutpoolsErrorOptions = {}) {
    super(ErrorCodes.PoolStartError, message, options);
  }
}

/** A value given to `DriverRegistry` is not a pool type, or its type is registered twice. */
export class DriverRegistrationError extends OutpoolsError {
  constructor(message: string, options: OutpoolsErrorOptions = {}) {
    super(ErrorCodes.DriverRegistrationError, message, options);
  }
}

/** A pool instance with the same `(type, host, tag)` already exists. */
export class DuplicatePoolError extends OutpoolsError {
  constructor(key: PoolKey, options: OutpoolsErrorOptions = {}) {
    super(ErrorCodes.DuplicatePoolError, `pool ${formatPoolKey(key)} already exists`, { ...options, poolKey: key });
  }
}

/** A `tls` section cannot be turned into Node TLS options (an unreadable PEM file, a gap in `versions`). */
export class TlsConfigError extends OutpoolsError {
  constructor(message: string, options: OutpoolsErrorOptions = {}) {
    super(ErrorCodes.TlsConfigError, message, options);
  }
}
