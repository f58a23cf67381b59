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
 * The ids ({@link poolKeyId}) of the pools defined inside `[[host_config]]` sections: for those
 * keys a `scope = "host"` pool of the same type and tag starts no instance (the host's own
 * definition replaces it, as in MongooseIM).
 */
export function hostConfigKeyIds(pools: readonly Pick<PoolSpec, 'type' | 'tag' | 'hostConfig'>[]): Set<string> {
  const ids = new Set<string>();
  for (const pool of pools) {
    if (pool.hostConfig !== undefined) ids.add(poolKeyId({ type: pool.type, host: pool.hostConfig, tag: pool.tag }));
  }
  return ids;
}

/**
 * The keys one pool section starts instances for: `global` gives one key with host `"global"`,
 * `host` one per entry of `hosts` (hosts and host types) except the keys in `replaced` (see
 * {@link hostConfigKeyIds}), `single_host` (and a `[[host_config]]` pool) one for its `host`.
 */
export function poolKeysOf(
  pool: Pick<PoolSpec, 'type' | 'tag' | 'options'>,
  hosts: readonly string[],
  replaced: ReadonlySet<string> = new Set(),
): PoolKey[] {
  const { type, tag } = pool;
  switch (pool.options.scope) {
    case 'global':
      return [{ type, host: GLOBAL_HOST, tag }];
    case 'host':
      return [...new Set(hosts)].map((host) => ({ type, host, tag })).filter((key) => !replaced.has(poolKeyId(key)));
    case 'single_host':
      return pool.options.host === undefined ? [] : [{ type, host: pool.options.host, tag }];
  }
}

/**
 * Expand pools over the hosts: one {@link PoolInstanceSpec} per pool key. A pool of a
 * `[[host_config]]` section replaces, for its host, the instance a `scope = "host"` pool of the
 * same type and tag would start there.
 * @example
 * ```ts
 * const instances = expandPools(config.pools, [...config.hosts, ...config.hostTypes]);
 * instances.map((i) => i.key.host); // e.g. ['global', 'a.com', 'b.com']
 * ```
 */
export function expandPools(pools: readonly PoolSpec[], hosts: readonly string[]): PoolInstanceSpec[] {
  const replaced = hostConfigKeyIds(pools);
  return pools.flatMap((pool) => poolKeysOf(pool, hosts, replaced).map((key) => ({ ...pool, key })));
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
