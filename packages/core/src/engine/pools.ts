/**
 * The set of pool instances of one configuration: start, lookup with the host-to-global
 * fallback (docs/configuration.md, Scopes), typed clients, run-time add/remove, reload, stats,
 * health, stop.
 * @module
 */
import type { ClientOf, PoolDriver } from '../driver/contract.js';
import type { LoadedConfig, PoolInstanceSpec } from '../config/types.js';
import type { DriverRegistry } from '../driver/registry.js';
import { loadConfigFile } from '../config/load.js';
import { expandPools, poolKeyId, resolvePool } from '../config/scope.js';
import { DuplicatePoolError, PoolStartError, PoolStoppedError, formatPoolKey, type PoolKey } from '../errors.js';
import { Pool, type HealthReport, type InstanceReport } from './pool.js';
import type { EngineDriver } from './worker-host.js';
import { PoolEvents } from './events.js';
import type { PoolStats } from './stats.js';
import type { RandomSource } from './backoff.js';
import { defaultTlsHost, tlsForPool } from '../tls/pool-tls.js';
import { raceAbort } from './abort.js';
import { PoolSlot } from './pool-slot.js';
import { instanceFingerprint, planReload, swapEntries } from './reload-plan.js';
import { onSignal, publishReloadFailure, type SignalReloader } from './reload-signal.js';
import type { ReloadFileOptions, ReloadOnSignalOptions, ReloadOptions, ReloadReport } from './reload-types.js';

export type { ReloadFileOptions, ReloadOnSignalOptions, ReloadOptions, ReloadReport } from './reload-types.js';

/** How much longer than its `call_timeout` a swapped-out instance may take to drain (its calls are already bounded). */
const DRAIN_MARGIN_MS = 1000;

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
  spec: PoolInstanceSpec;
  readonly driver: PoolDriver<unknown, unknown, unknown>;
  readonly pool: Pool;
  /** What clients are built on; shared by the instances that replace one another under one key. */
  readonly slot: PoolSlot;
  /** See `instanceFingerprint`: equal means a reload keeps this instance. */
  readonly fingerprint: string;
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
  #entries = new Map<string, Entry>();
  readonly #options: PoolsOptions;
  #stopping: Promise<void> | undefined = undefined;
  #startedOnce = false;
  /** The reload running now (reloads run one after another). */
  #reloading: Promise<unknown> = Promise.resolve();
  /** Instances a reload has started but not yet swapped in, or swapped out and is draining. */
  readonly #transient = new Set<Pool>();
  readonly #signalReloaders = new Set<SignalReloader>();

  /** @internal Use {@link createPools}. */
  constructor(config: LoadedConfig, options: PoolsOptions) {
    this.#options = options;
    for (const spec of expandPools(config.pools, this.#hostsOf(config))) this.#add(spec);
  }

  #hostsOf(config: LoadedConfig): readonly string[] {
    return this.#options.hosts ?? [...config.hosts, ...config.hostTypes];
  }

  #add(spec: PoolInstanceSpec): Entry {
    const id = poolKeyId(spec.key);
    if (this.#entries.has(id)) throw new DuplicatePoolError(spec.key);
    const entry = this.#build(spec, undefined);
    this.#entries.set(id, entry);
    return entry;
  }

  /** A new instance for `spec` (not connected); it takes over `previous`'s slot when given. */
  #build(spec: PoolInstanceSpec, previous: Entry | undefined, fingerprint = instanceFingerprint(spec)): Entry {
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
    return {
      spec,
      driver,
      pool,
      slot: previous?.slot ?? new PoolSlot(pool),
      fingerprint,
      client: undefined,
      hasClient: false,
    };
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
      entry.client = entry.driver.client(entry.slot, entry.spec.connection);
      entry.hasClient = true;
    }
    return entry.client;
  }

  /**
   * The pool instance itself (`run()`, `stats()`, `health()`). Lookup as docs/configuration.md,
   * Scopes, describes. After a reload that replaced or removed it, this object is stopped: keep
   * clients from {@link Pools.get}, not instances, across reloads.
   */
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

  /**
   * Apply a new configuration to the running pools (docs/lifecycle.md, Reloading). Instances are
   * matched by key `(type, host, tag)`:
   *
   * - unchanged (same type, pool and connection options, TLS file contents): kept, connections
   *   and clients included;
   * - changed: a new instance is built and (once `start()` was called) makes its first
   *   connection round; then calls go to it, also through clients got before, while the old
   *   instance drains (calls in flight finish within their `call_timeout`) and closes;
   * - added: started; removed (also instances added with `startInstance`): drained and closed.
   *
   * Nothing changes when it throws: a config whose pool type is not registered
   * (`PoolTypeNotRegisteredError`), a TLS file that can no longer be read (`TlsConfigError`),
   * with `requireLive` a new instance without a live worker (`PoolStartError`), or pools being
   * stopped (`PoolStoppedError`). Reloads run one at a time, in call order. Resolves when the
   * old instances have closed; publishes a `reload` event (or `reload_failed`).
   *
   * @example
   * ```ts
   * const next = await loadConfigFile('pools.toml', { registry }); // throws ConfigError: nothing changed
   * const report = await pools.reload(next);
   * console.log(report.added, report.changed, report.removed);
   * ```
   */
  reload(config: LoadedConfig, options: ReloadOptions = {}): Promise<ReloadReport> {
    const run = this.#reloading.then(() => this.#reload(config, options));
    this.#reloading = run.catch(() => undefined);
    const source = options.source ?? config.source;
    run.catch((error: unknown) => publishReloadFailure(this.events, error, source));
    return run;
  }

  /**
   * Read, validate and apply a configuration file: {@link loadConfigFile} with this set's
   * registry, then {@link Pools.reload}. A bad file throws `ConfigError` listing every error, and
   * changes nothing.
   * @example
   * ```ts
   * try {
   *   await pools.reloadFile('/etc/app/pools.toml');
   * } catch (error) {
   *   if (error instanceof ConfigError) for (const i of error.issues) log.error(`${i.path}: ${i.message}`);
   * }
   * ```
   */
  async reloadFile(path: string, options: ReloadFileOptions = {}): Promise<ReloadReport> {
    const { requireLive, source, ...load } = options;
    let config: LoadedConfig;
    try {
      config = await loadConfigFile(path, { ...load, registry: this.#options.registry });
    } catch (error) {
      publishReloadFailure(this.events, error, source ?? path);
      throw error;
    }
    return this.reload(config, {
      ...(requireLive !== undefined && { requireLive }),
      ...(source !== undefined && { source }),
    });
  }

  /**
   * Reload `path` whenever the process gets `signal` (default `SIGHUP`), the usual way to tell a
   * server to re-read its configuration. Never throws and never crashes the process: each outcome
   * is an event, `reload` or `reload_failed` (a bad file lists every error in `issues` and
   * changes nothing). Signals during a reload cause one more reload after it. Returns the
   * listener's disposer; `stop()` disposes it too.
   * @example
   * ```ts
   * pools.events.on('reload', (e) => log.info(e, 'pools reloaded'));
   * pools.events.on('reload_failed', (e) => log.error(e.issues, e.error));
   * const reloader = pools.reloadOnSignal('/etc/app/pools.toml'); // kill -HUP <pid>; reloader.close() stops it
   * ```
   */
  reloadOnSignal(path: string, options: ReloadOnSignalOptions = {}): SignalReloader {
    const { signal = 'SIGHUP', ...fileOptions } = options;
    const reloader = onSignal(signal, () => this.reloadFile(path, fileOptions));
    const close = reloader.close;
    const tracked: SignalReloader = {
      ...reloader,
      close: () => {
        this.#signalReloaders.delete(tracked);
        close();
      },
      [Symbol.dispose]: () => tracked.close(),
    };
    this.#signalReloaders.add(tracked);
    return tracked;
  }

  async #reload(config: LoadedConfig, options: ReloadOptions): Promise<ReloadReport> {
    if (this.#stopping) throw new PoolStoppedError();
    const registry = this.#options.registry;
    const specs = expandPools(config.pools, this.#hostsOf(config));
    const ids = new Set<string>();
    for (const spec of specs) {
      registry.get(spec.type); // throws PoolTypeNotRegisteredError before anything changes
      const id = poolKeyId(spec.key);
      if (ids.has(id)) throw new DuplicatePoolError(spec.key);
      ids.add(id);
    }
    const running = [...this.#entries.values()];
    const plan = planReload(
      running.map((e) => ({ key: e.spec.key, fingerprint: e.fingerprint })),
      specs,
    );
    // Build every new instance first: one that throws (an unreadable TLS file) changes nothing.
    const fresh = new Map<string, Entry>();
    try {
      for (const spec of [...plan.added, ...plan.changed]) {
        const id = poolKeyId(spec.key);
        const entry = this.#build(spec, this.#entries.get(id), plan.fingerprints.get(id));
        fresh.set(id, entry);
        this.#transient.add(entry.pool);
      }
    } catch (error) {
      await this.#discard(fresh.values());
      throw error;
    }
    let instances: InstanceReport[] = [];
    if (this.#startedOnce) {
      instances = await Promise.all([...fresh.values()].map((e) => e.pool.start()));
      const dead = instances.filter((i) => i.live === 0);
      if (this.#stopping || (options.requireLive && dead.length > 0)) {
        await this.#discard(fresh.values());
        if (this.#stopping) throw new PoolStoppedError();
        throw new PoolStartError(
          `reload refused, nothing changed: no live worker in ${dead.length} new pool(s): ${dead
            .map((i) => `${formatPoolKey(i.key)}${i.error ? `: ${i.error}` : ''}`)
            .join('; ')}`,
        );
      }
    }
    // Swap: from here on calls go to the new instances.
    const { next, retired } = swapEntries(specs, fresh, this.#entries);
    for (const entry of fresh.values()) {
      entry.slot.current = entry.pool;
      this.#transient.delete(entry.pool);
    }
    this.#entries = next;
    const report: ReloadReport = {
      added: plan.added.map((s) => s.key),
      changed: plan.changed.map((s) => s.key),
      removed: plan.removed,
      unchanged: plan.unchanged.map((s) => s.key),
      instances,
    };
    const source = options.source ?? config.source;
    this.events.publish('reload', {
      ...(source !== undefined && { source }),
      added: report.added,
      changed: report.changed,
      removed: report.removed,
      unchanged: report.unchanged,
    });
    // Drain what was swapped out: each call in flight is bounded by its own call_timeout.
    await Promise.all(
      retired.map(async (entry) => {
        this.#transient.add(entry.pool);
        await entry.pool.stop(entry.spec.options.call_timeout + DRAIN_MARGIN_MS);
        this.#transient.delete(entry.pool);
      }),
    );
    return report;
  }

  async #discard(entries: Iterable<Entry>): Promise<void> {
    await Promise.all(
      [...entries].map(async (entry) => {
        await entry.pool.stop(0);
        this.#transient.delete(entry.pool);
      }),
    );
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
    if (this.#stopping) return this.#stopping;
    for (const reloader of [...this.#signalReloaders]) reloader.close();
    const pools = [...[...this.#entries.values()].reverse().map((e) => e.pool), ...this.#transient];
    this.#stopping = Promise.all(pools.map((pool) => pool.stop(this.#drainMs()))).then(() => undefined);
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
