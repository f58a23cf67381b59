/**
 * What the configuration layer hands to the engine: validated pools, defaults filled in.
 * @module
 */
import type { ConfigIssue, PoolKey } from '../errors.js';
import type { PoolOptions } from './pool-schema.js';

/** One `[outgoing_pools.<type>.<tag>]` section after validation and defaults. */
export interface PoolSpec {
  readonly type: string;
  readonly tag: string;
  /** The section's dotted TOML path, `outgoing_pools.<type>.<tag>`. */
  readonly path: string;
  /** Pool-level options after defaults (the driver's per-type defaults included). */
  readonly options: PoolOptions;
  /** The `[connection]` section after defaults: `Static<typeof driver.connectionSchema>`. */
  readonly connection: Readonly<Record<string, unknown>>;
}

/** One pool instance after scope expansion: a {@link PoolSpec} bound to `global` or one host. */
export interface PoolInstanceSpec extends PoolSpec {
  readonly key: PoolKey;
}

/** A validated configuration. */
export interface LoadedConfig {
  /** Where it came from (a file path), when known. */
  readonly source?: string;
  readonly pools: readonly PoolSpec[];
  /** `[general] hosts`, or the hosts given programmatically. */
  readonly hosts: readonly string[];
  /** `[general] host_types`. */
  readonly hostTypes: readonly string[];
  /** Things that are allowed but probably wrong (`check` prints them). */
  readonly warnings: readonly ConfigIssue[];
}
