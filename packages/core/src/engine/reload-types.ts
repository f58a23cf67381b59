/**
 * The options and the result of reloading a pool set (docs/lifecycle.md, Reloading).
 * @module
 */
import type { ConfigOptions } from '../config/load.js';
import type { PoolKey } from '../errors.js';
import type { InstanceReport } from './pool.js';

/** Options of `Pools.reload`. */
export interface ReloadOptions {
  /**
   * Refuse the reload (with `PoolStartError`, changing nothing) when a new or replacing instance
   * has no live worker after its first connection round. Default false: it is applied, and that
   * instance keeps retrying like any other.
   */
  readonly requireLive?: boolean;
  /** Where the configuration came from, for the `reload` event; default `config.source`. */
  readonly source?: string;
}

/** Options of `Pools.reloadFile`: how to read the file, and {@link ReloadOptions}. */
export interface ReloadFileOptions extends ReloadOptions, Omit<ConfigOptions, 'registry' | 'source'> {}

/** Options of `Pools.reloadOnSignal`. */
export interface ReloadOnSignalOptions extends ReloadFileOptions {
  /** The signal to reload on. Default `'SIGHUP'`. */
  readonly signal?: NodeJS.Signals;
}

/** The result of `Pools.reload`: the instances by what happened to them. */
export interface ReloadReport {
  readonly added: readonly PoolKey[];
  /** Replaced by new instances; the old ones have drained and closed when `reload()` resolves. */
  readonly changed: readonly PoolKey[];
  /** Drained and closed. */
  readonly removed: readonly PoolKey[];
  /** Kept as they were, connections included. */
  readonly unchanged: readonly PoolKey[];
  /** The first connection round of every added or replacing instance (empty before `start()`). */
  readonly instances: readonly InstanceReport[];
}
