/**
 * The seam between a worker and its pool: read-only settings, and the few callbacks a worker
 * needs (take the next queued request, settle, re-route, report what happened to it). A worker
 * knows nothing else of its pool, so it can be tested against a fake host.
 * @module
 */
import type { LivenessPolicy, PoolDriver, ReconnectPolicy } from '../driver/contract.js';
import type { PoolKey } from '../errors.js';
import type { RandomSource } from '../strategies/types.js';
import type { PoolTls } from '../tls/pool-tls.js';
import type { TlsPeerError } from '../tls/verify.js';
import type { Request } from './request.js';

/** A driver of any type, as the engine holds it. @internal */
export type EngineDriver = PoolDriver<unknown, unknown, unknown>;

/** What every worker of one pool reads and never changes. @internal */
export interface WorkerSettings {
  readonly key: PoolKey;
  readonly driver: EngineDriver;
  /** The `[connection]` section after defaults, handed to `connect`. */
  readonly options: unknown;
  /** Requests one connection runs at once. */
  readonly concurrency: number;
  /** Mailbox limit (head-drop above it); `undefined`: none. */
  readonly maxQueue: number | undefined;
  readonly reconnect: ReconnectPolicy;
  readonly keepaliveMs: number | undefined;
  /** When a worker is suspected of a dead connection, and how long its probe may take (engine/liveness.ts). */
  readonly liveness: LivenessPolicy;
  /** Bound of each connect attempt and of a close at stop. */
  readonly connectTimeoutMs: number;
  readonly random: RandomSource;
  readonly tls: PoolTls | undefined;
}

/** A worker's state changes, as its pool hears them. @internal */
export interface WorkerHost {
  readonly settings: WorkerSettings;
  /** The pool is stopping: pings it fails are no sign of a broken connection. */
  readonly stopping: boolean;
  /** The head of the pool-wide queue, for a worker with room. */
  takeQueued(): Request | undefined;
  /** Give the caller its result (once). */
  settle(req: Request, failed: boolean, result: unknown): void;
  /** Route again a request taken back from a broken worker. */
  reroute(req: Request): void;
  /** A pool-internal request (keepalive ping, liveness probe), bounded by `timeoutMs` (default: like a call). */
  internalRequest(fn: (connection: unknown, ctx: Request) => unknown, timeoutMs?: number): Request;
  /** Calls waiting in the pool-wide queue. */
  readonly queued: number;
  /** A live worker's load dropped to `load` (strategies keep bounds on it). */
  loadDropped(load: number): void;
  /** The mailbox was over its limit: `req` was taken from its head. */
  dropped(req: Request, worker: number, limit: number): void;
  /** The worker connected after `connectMs`; `reconnected` when it had connected or failed before. */
  up(worker: number, reconnected: boolean, connectMs: number): void;
  /** The pool's exact clock (ms), for `runAt`. */
  preciseNow(): number;
  /** The worker's connection broke. */
  down(worker: number, error: unknown): void;
  /** The worker was blocked (`true`) or unblocked by its server. */
  blockedChanged(worker: number, blocked: boolean, reason?: string): void;
  reconnectScheduled(worker: number, attempt: number, delayMs: number, error: unknown): void;
  closeFailed(worker: number, error: unknown): void;
  /** A TLS peer failed verification and `disconnect_on_failure = false` let it through. */
  tlsVerifyFailed(worker: number, failure: TlsPeerError): void;
}
