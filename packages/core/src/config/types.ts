/**
 * What the configuration layer hands to the engine: validated pools, defaults filled in.
 * @module
 */
import type { ConfigIssue, PoolKey } from '../errors.js';
import type { PoolOptions } from './pool-schema.js';

/**
 * One `[outgoing_pools.<type>.<tag>]` section (or one inside a `[[host_config]]` section) after
 * validation and defaults.
 */
export interface PoolSpec {
  readonly type: string;
  readonly tag: string;
  /**
   * The section's dotted TOML path: `outgoing_pools.<type>.<tag>`, or
   * `host_config[<n>].outgoing_pools.<type>.<tag>` for a pool of a `[[host_config]]` section.
   */
  readonly path: string;
  /**
   * For a pool of a `[[host_config]]` section: that section's `host_type` (or `host`). Such a pool
   * exists for that host only (its `options` say `scope = "single_host"` with this `host`), and
   * replaces there the instance of a `scope = "host"` pool of the same type and tag.
   */
  readonly hostConfig?: string;
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
