/**
 * What a reload changes (docs/lifecycle.md, Reloading): the instances of the running
 * configuration and of the new one, matched by key `(type, host, tag)`. An instance whose type,
 * pool options, connection options and TLS files are the same is unchanged and keeps its
 * connections; one that differs in any of them is changed and gets a new instance.
 * @module
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PoolInstanceSpec } from '../config/types.js';
import type { PoolKey } from '../errors.js';
import { isTable } from '../config/issues.js';
import { poolKeyId } from '../config/scope.js';

/** A value as JSON with object keys sorted, so that key order in the file does not count as a change. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isTable(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? 'null');
}

/** The contents' digest of a TLS file (a rotated certificate is a change), or a marker when it cannot be read. */
function fileDigest(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch (error) {
    return `unreadable:${(error as NodeJS.ErrnoException).code ?? 'error'}`;
  }
}

/** The files a `tls` table names (`cacertfile`, `certfile`, `keyfile`, lists such as `crl_files`), with their digests. */
function tlsFiles(tls: unknown): Record<string, string> {
  const files: Record<string, string> = {};
  if (!isTable(tls)) return files;
  for (const [key, value] of Object.entries(tls)) {
    if (!/files?$/.test(key)) continue;
    for (const path of Array.isArray(value) ? value : [value]) {
      if (typeof path === 'string') files[path] = fileDigest(path);
    }
  }
  return files;
}

/**
 * A string that is equal for two instance specs exactly when a running instance of one can serve
 * the other unchanged: same type, pool options, connection options (key order aside) and TLS
 * file contents.
 * @example
 * ```ts
 * instanceFingerprint(a) === instanceFingerprint(b); // true: b may keep a's connections
 * ```
 */
export function instanceFingerprint(spec: PoolInstanceSpec): string {
  return canonical({
    type: spec.type,
    options: spec.options,
    connection: spec.connection,
    tlsFiles: tlsFiles(spec.connection['tls']),
  });
}

/** One instance of the running set, as the plan sees it. */
export interface RunningInstance {
  readonly key: PoolKey;
  readonly fingerprint: string;
}

/** The outcome of {@link planReload}. */
export interface ReloadPlan {
  /** Keys only the new configuration has. */
  readonly added: PoolInstanceSpec[];
  /** Keys both have, with a difference: a new instance replaces the running one. */
  readonly changed: PoolInstanceSpec[];
  /** Keys both have, identical: the running instance stays as it is. */
  readonly unchanged: PoolInstanceSpec[];
  /** Keys only the running set has. */
  readonly removed: PoolKey[];
  /** The fingerprint of every new spec, by key id. */
  readonly fingerprints: ReadonlyMap<string, string>;
}

/**
 * Match the running instances with the new configuration's, by key.
 * @example
 * ```ts
 * const plan = planReload(running, expandPools(config.pools, hosts));
 * plan.changed.map((s) => s.key); // the instances that get new connections
 * ```
 */
export function planReload(running: readonly RunningInstance[], next: readonly PoolInstanceSpec[]): ReloadPlan {
  const current = new Map(running.map((r) => [poolKeyId(r.key), r]));
  const fingerprints = new Map<string, string>();
  const added: PoolInstanceSpec[] = [];
  const changed: PoolInstanceSpec[] = [];
  const unchanged: PoolInstanceSpec[] = [];
  for (const spec of next) {
    const id = poolKeyId(spec.key);
    const fingerprint = instanceFingerprint(spec);
    fingerprints.set(id, fingerprint);
    const old = current.get(id);
    if (old === undefined) added.push(spec);
    else if (old.fingerprint === fingerprint) unchanged.push(spec);
    else changed.push(spec);
  }
  const removed = running.filter((r) => !fingerprints.has(poolKeyId(r.key))).map((r) => r.key);
  return { added, changed, unchanged, removed, fingerprints };
}

/**
 * The entry map after a reload, in the new configuration's order: the new entry where one was
 * built (`fresh`), else the running one (its `spec` updated: its path may have moved in the
 * file); and the running entries that leave (replaced or removed), to drain.
 */
export function swapEntries<E extends { spec: PoolInstanceSpec }>(
  specs: readonly PoolInstanceSpec[],
  fresh: ReadonlyMap<string, E>,
  running: ReadonlyMap<string, E>,
): { next: Map<string, E>; retired: E[] } {
  const next = new Map<string, E>();
  for (const spec of specs) {
    const id = poolKeyId(spec.key);
    const entry = fresh.get(id) ?? running.get(id);
    if (entry === undefined) continue;
    if (!fresh.has(id)) entry.spec = spec;
    next.set(id, entry);
  }
  const retired = [...running].filter(([id, entry]) => next.get(id) !== entry).map(([, entry]) => entry);
  return { next, retired };
}
