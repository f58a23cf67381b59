/**
 * Printing resolved pools as TOML, the way `outpools check` shows them (secrets as `"***"`).
 * @module
 */
import { isTable, joinPath, redactSecrets } from '../config/issues.js';
import type { LoadedConfig, PoolSpec } from '../config/types.js';
import { hostConfigKeyIds, poolKeysOf } from '../config/scope.js';

const BARE = /^[A-Za-z0-9_-]+$/;
const key = (name: string): string => (BARE.test(name) ? name : JSON.stringify(name));

/** One value in TOML syntax (tables inline). */
export function tomlValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `[${value.map(tomlValue).join(', ')}]`;
  if (isTable(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${key(k)} = ${tomlValue(v)}`).join(', ')} }`;
  }
  return JSON.stringify(String(value));
}

function section(header: string, table: Record<string, unknown>, lines: string[], arrayItem = false): void {
  lines.push(arrayItem ? `[[${header}]]` : `[${header}]`);
  const subtables: [string, Record<string, unknown>][] = [];
  for (const [name, value] of Object.entries(table)) {
    if (value === undefined) continue;
    if (isTable(value)) subtables.push([name, value]);
    else lines.push(`${key(name)} = ${tomlValue(value)}`);
  }
  for (const [name, value] of subtables) section(joinPath(header, name), value, lines);
}

/** The instances a pool starts, by host (`global` for a global pool). */
export function instancesOf(pool: PoolSpec, config: LoadedConfig): string[] {
  const hosts = [...config.hosts, ...config.hostTypes];
  return poolKeysOf(pool, hosts, hostConfigKeyIds(config.pools)).map((k) => k.host);
}

/**
 * One pool after defaults, as a TOML section with a comment naming its instances.
 * @example
 * ```ts
 * formatPool(config.pools[0], config);
 * // # redis.default: instances global
 * // [outgoing_pools.redis.default]
 * // scope = "global"
 * // ...
 * ```
 */
export function formatPool(pool: PoolSpec, config: LoadedConfig): string {
  const instances = instancesOf(pool, config);
  const lines = [
    `# ${pool.type}.${pool.tag}: ${instances.length === 0 ? 'no instance' : `instances ${instances.join(', ')}`}`,
  ];
  const connection = redactSecrets(pool.connection);
  if (pool.hostConfig !== undefined) {
    // host_config[<n>].outgoing_pools.<type>.<tag>: the section's host, then the pool without scope/host.
    const { scope: _scope, host: _host, ...options } = pool.options;
    lines.push('[[host_config]]', `host_type = ${tomlValue(pool.hostConfig)}`);
    const header = pool.path.replace(/^host_config\[\d+\]/, 'host_config');
    section(header.replace(/\[\d+\]$/, ''), { ...options, connection }, lines, /\[\d+\]$/.test(header));
    return lines.join('\n');
  }
  const match = /^(.*)\[\d+\]$/.exec(pool.path);
  const header = match?.[1] ?? pool.path;
  section(header, { ...pool.options, connection }, lines, match !== null);
  return lines.join('\n');
}
