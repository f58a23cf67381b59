/**
 * A tiny TOML writer for the conformance suite: turns a TOML-shaped object (tables, strings,
 * integers, booleans, arrays, arrays of tables) into TOML text that `parseConfig` reads.
 * @module
 */

/** A value that can be written as TOML. */
export type TomlValue = string | number | boolean | readonly TomlValue[] | { readonly [key: string]: TomlValue };

const isTable = (value: unknown): value is Record<string, TomlValue> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function key(name: string): string {
  return /^[A-Za-z0-9_-]+$/.test(name) ? name : JSON.stringify(name);
}

function inline(value: TomlValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} as TOML`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  const entries = Object.entries(value as Record<string, TomlValue>);
  return `{ ${entries.map(([k, v]) => `${key(k)} = ${inline(v)}`).join(', ')} }`;
}

function writeTable(path: readonly string[], table: Record<string, TomlValue>, out: string[]): void {
  const entries = Object.entries(table).filter(([, v]) => v !== undefined);
  const scalars = entries.filter(([, v]) => !isTable(v));
  const tables = entries.filter(([, v]) => isTable(v)) as [string, Record<string, TomlValue>][];
  if (path.length > 0 && (scalars.length > 0 || tables.length === 0)) {
    out.push(`[${path.map(key).join('.')}]`);
  }
  for (const [k, v] of scalars) out.push(`${key(k)} = ${inline(v)}`);
  if (scalars.length > 0) out.push('');
  for (const [k, v] of tables) writeTable([...path, k], v, out);
}

/**
 * Write a TOML document.
 * @example
 * ```ts
 * toToml({ outgoing_pools: { redis: { default: { workers: 2, connection: { port: 6379 } } } } });
 * // [outgoing_pools.redis.default]\nworkers = 2\n\n[outgoing_pools.redis.default.connection]\nport = 6379\n
 * ```
 */
export function toToml(document: Record<string, TomlValue>): string {
  const out: string[] = [];
  writeTable([], document, out);
  return `${out.join('\n').trimEnd()}\n`;
}
