/**
 * The set of pool instances of one configuration: start, lookup with the host-to-global
 * fallback (docs/configuration.md, Scopes), typed clients, run-time add/remove, stats, health, stop.
 * @module
 */
import type { ClientOf, PoolDriver } from '../driver/contract.js';
import type { LoadedConfig, PoolInstanceSpec } from '../config/types.js';
import type { DriverRegistry } from '../driver/registry.js';
import { expandPools, poolKeyId, resolvePool } from '../config/scope.js';
import { DuplicatePoolError, PoolStartError, PoolStoppedError, formatPoolKey, type PoolKey } from '../errors.js';
import { Pool, type HealthReport, type InstanceReport } from './pool.js';
import type { EngineDriver } from './worker-host.js';
import { PoolEvents } from './events.js';
import type { PoolStats } from './stats.js';
import type { RandomSource } from './backoff.js';
import { defaultTlsHost, tlsForPool } from '../tls/pool-tls.js';
import { raceAbort } from './abort.js';

/** Options of {@link createPools}. */
export interface PoolsOptions {
  /** Where pool types come from. */
  readonly registry: DriverRegistry;
  /** How long `stop()` lets running and queued calls finish. Default 5000. */
  readonly drainTimeoutMs?: number;
  /** Hosts that `scope = "host"` expands over; default the config's `hosts` and `host_types`. */
  readonly hosts?: readonly string[];
  /** Bound of each worker's connect attempt, and so of `start()`; default each pool's `call_timeout`. */
  readonly startTimeoutMs?: number;
  /** Random source for strategies and backoff jitter (tests inject one). Default `Math.random`. */
  readonly random?: RandomSource;
}

/** Options of {@link Pools.start}. */
export interface StartOptions {
  /** Reject with `PoolStartError` (after stopping every pool) when any pool has no live worker. */
  readonly requireLive?: boolean;
  /** Stop waiting (the pools keep connecting); `start()` rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** The result of {@link Pools.start}. */
export interface StartReport {
  /** Every instance has at least one live worker. */
  readonly ok: boolean;
  readonly instances: readonly InstanceReport[];
}

/** Any driver, as far as a typed lookup needs it (its `client` gives `ClientOf`). */
type TypedDriver = Pick<PoolDriver<never, never, unknown>, 'type' | 'client'>;

interface Entry {
  readonly spec: PoolInstanceSpec;
  readonly driver: PoolDriver<unknown, unknown, unknown>;
  readonly pool: Pool;
  client: unknown;
  hasClient: boolean;
}

/**
 * Build the pools of a configuration (nothing connects until {@link Pools.start}).
 *
 * @example
 * ```ts
 * import { createPools, DriverRegistry, loadConfigFile } from '@outpools/core';
 * import { redisDriver } from '@outpools/driver-redis';
 *
 * const registry = new DriverRegistry([redisDriver]);
 * const pools = createPools(await loadConfigFile('mongooseim.toml', { registry }), { registry });
 * const report = await pools.start();
 * const redis = pools.get(redisDriver, 'global', 'default');
 * await pools.stop();
 * ```
 */
export function createPools(config: LoadedConfig, options: PoolsOptions): Pools {
  return new Pools(config, options);
}

/** The running pool instances of one configuration. Create with {@link createPools}. */
export class Pools implements AsyncDisposable {
  /** connect, disconnect, reconnect_attempt, call_timeout, drop, close_error (also on `outpools:<event>` diagnostics channels). */
  readonly events = new PoolEvents();
  readonly #entries = new Map<string, Entry>();
  readonly #options: PoolsOptions;
  #stopping: Promise<void> | undefined = undefined;
  #startedOnce = false;

  /** @internal Use {@link createPools}. */
  constructor(config: LoadedConfig, options: PoolsOptions) {
    this.#options = options;
    const hosts = options.hosts ?? [...config.hosts, ...config.hostTypes];
    for (const spec of expandPools(config.pools, hosts)) this.#add(spec);
  }

  #add(spec: PoolInstanceSpec): Entry {
    const id = poolKeyId(spec.key);
    if (this.#entries.has(id)) throw new DuplicatePoolError(spec.key);
    const driver = this.#options.registry.get(spec.type) as unknown as PoolDriver<unknown, unknown, unknown>;
    const connection = spec.connection;
    const tls = tlsForPool(connection, driver.tlsHost?.(connection) ?? defaultTlsHost(connection));
    const pool = new Pool({
      spec,
      driver: driver as EngineDriver,
      events: this.events,
      random: this.#options.random,
      startTimeoutMs: this.#options.startTimeoutMs,
      tls,
    });
    const entry: Entry = { spec, driver, pool, client: undefined, hasClient: false };
    this.#entries.set(id, entry);
    return entry;
  }

  /**
   * Connect every pool. Resolves after each pool's first connection round (each worker's first
   * attempt, bounded by the start timeout) with what is live; pools without a live worker keep
   * retrying in the background.
   */
  async start(options: StartOptions = {}): Promise<StartReport> {
    if (this.#stopping) throw new PoolStoppedError();
    this.#startedOnce = true;
    const round = Promise.all([...this.#entries.values()].map((e) => e.pool.start()));
    const instances = options.signal ? await raceAbort(round, options.signal) : await round;
    const ok = instances.every((i) => i.live > 0);
    if (!ok && options.requireLive) {
      await this.stop();
      const dead = instances
        .filter((i) => i.live === 0)
        .map((i) => `${formatPoolKey(i.key)}${i.error ? `: ${i.error}` : ''}`);
      throw new PoolStartError(`no live worker in ${dead.length} pool(s): ${dead.join('; ')}`);
    }
    return { ok, instances };
  }

  /** The typed client of a pool: `driver.client()` built once per instance. Lookup as docs/configuration.md, Scopes, describes. */
  get<D extends TypedDriver>(driver: D, host: string, tag: string): ClientOf<D>;
  get(type: string, host: string, tag: string): unknown;
  get(driverOrType: string | TypedDriver, host: string, tag: string): unknown {
    const type = typeof driverOrType === 'string' ? driverOrType : driverOrType.type;
    const entry = this.#lookup(type, host, tag);
    if (!entry.hasClient) {
      entry.client = entry.driver.client(entry.pool, entry.spec.connection);
      entry.hasClient = true;
    }
    return entry.client;
  }

  /** The pool instance itself (`run()`, `stats()`, `health()`). Lookup as docs/configuration.md, Scopes, describes. */
  pool(type: string, host: string, tag: string): Pool {
    return this.#lookup(type, host, tag).pool;
  }

  #lookup(type: string, host: string, tag: string): Entry {
    return resolvePool((id) => this.#entries.get(id), { type, host, tag });
  }

  /** Add and start one instance at run time (for example a new host). */
  async startInstance(spec: PoolInstanceSpec): Promise<InstanceReport> {
    if (this.#stopping) throw new PoolStoppedError(spec.key);
    return this.#add(spec).pool.start();
  }

  /** Stop and remove one instance at run time; a no-op for an unknown key. */
  async stopInstance(key: PoolKey): Promise<void> {
    const id = poolKeyId(key);
    const entry = this.#entries.get(id);
    if (!entry) return;
    this.#entries.delete(id);
    await entry.pool.stop(this.#drainMs());
  }

  /** The keys of every instance. */
  keys(): PoolKey[] {
    return [...this.#entries.values()].map((e) => e.spec.key);
  }

  /** Stats of every instance. */
  stats(): PoolStats[] {
    return [...this.#entries.values()].map((e) => e.pool.stats());
  }

  /** Ping every live worker of every instance. */
  health(): Promise<HealthReport[]> {
    return Promise.all([...this.#entries.values()].map((e) => e.pool.health()));
  }

  /**
   * Stop every instance: new calls fail with `PoolStoppedError`, running and queued calls get up
   * to `drainTimeoutMs`, then every connection is closed and every timer cleared. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopping ??= Promise.all([...this.#entries.values()].reverse().map((e) => e.pool.stop(this.#drainMs()))).then(
      () => undefined,
    );
    return this.#stopping;
  }

  /** Same as {@link Pools.stop}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /** Whether `start()` was called. */
  get started(): boolean {
    return this.#startedOnce;
  }

  #drainMs(): number {
    return this.#options.drainTimeoutMs ?? 5000;
  }
}
