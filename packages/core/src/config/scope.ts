/**
 * Scope expansion and pool lookup (docs/configuration.md, Scopes), as pure functions.
 * @module
 */
import { PoolNotFoundError, type PoolKey } from '../errors.js';
import type { PoolInstanceSpec, PoolSpec } from './types.js';

/** The host of every global pool instance. */
export const GLOBAL_HOST = 'global';

/**
 * A string that identifies a pool key, for maps: distinct keys give distinct ids.
 * @example
 * ```ts
 * poolKeyId({ type: 'redis', host: 'global', tag: 'default' }); // '["redis","global","default"]'
 * ```
 */
export function poolKeyId(key: PoolKey): string {
  return JSON.stringify([key.type, key.host, key.tag]);
}

/**
 * The keys one pool section starts instances for: `global` gives one key with host `"global"`,
 * `host` one per entry of `hosts` (hosts and host types), `single_host` one for its `host`.
 */
export function poolKeysOf(pool: Pick<PoolSpec, 'type' | 'tag' | 'options'>, hosts: readonly string[]): PoolKey[] {
  const { type, tag } = pool;
  switch (pool.options.scope) {
    case 'global':
      return [{ type, host: GLOBAL_HOST, tag }];
    case 'host':
      return [...new Set(hosts)].map((host) => ({ type, host, tag }));
    case 'single_host':
      return pool.options.host === undefined ? [] : [{ type, host: pool.options.host, tag }];
  }
}

/**
 * Expand pools over the hosts: one {@link PoolInstanceSpec} per pool key.
 * @example
 * ```ts
 * const instances = expandPools(config.pools, [...config.hosts, ...config.hostTypes]);
 * instances.map((i) => i.key.host); // e.g. ['global', 'a.com', 'b.com']
 * ```
 */
export function expandPools(pools: readonly PoolSpec[], hosts: readonly string[]): PoolInstanceSpec[] {
  return pools.flatMap((pool) => poolKeysOf(pool, hosts).map((key) => ({ ...pool, key })));
}

/**
 * Find the pool for a key: the exact key first, then `(type, "global", tag)` when `host` is not
 * `"global"`; never another tag. Throws {@link PoolNotFoundError} naming the key tried last.
 * @example
 * ```ts
 * const pool = resolvePool((id) => pools.get(id), { type: 'redis', host: 'a.com', tag: 'default' });
 * ```
 */
export function resolvePool<T>(lookup: (id: string) => T | undefined, key: PoolKey): T {
  const exact = lookup(poolKeyId(key));
  if (exact !== undefined) return exact;
  if (key.host === GLOBAL_HOST) throw new PoolNotFoundError(key);
  const globalKey: PoolKey = { type: key.type, host: GLOBAL_HOST, tag: key.tag };
  const fallback = lookup(poolKeyId(globalKey));
  if (fallback !== undefined) return fallback;
  throw new PoolNotFoundError(globalKey, { requested: key });
}
