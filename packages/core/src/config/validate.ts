/**
 * Validation of a whole parsed configuration document: `[general] hosts`/`host_types`, the
 * structure of `outgoing_pools`, each pool section, and the rules across pools (two pools with
 * the same key, a `single_host` pool for an unknown host). Every issue is collected.
 * @module
 */
import Type from 'typebox';
import { formatPoolKey } from '../errors.js';
import { installHint, type DriverRegistry } from '../driver/registry.js';
import { poolKeyId, poolKeysOf } from './scope.js';
import { didYouMean, IssueCollector, isTable, joinPath } from './issues.js';
import { checkValue } from './schema-check.js';
import type { SchemaNode } from './schema-text.js';
import type { TomlDocument } from './toml.js';
import type { PoolSpec } from './types.js';
import { validatePool } from './validate-pool.js';

const HostListSchema = Type.Array(Type.String({ minLength: 1 })) as unknown as SchemaNode;

/** Options of {@link validateDocument}. */
export interface ValidateOptions {
  readonly registry: DriverRegistry;
  /** Pool types that exist but are not registered here (for "did you mean"). */
  readonly knownTypes?: readonly string[];
  /** npm scopes whose `@<scope>/outpools-driver-<type>` the error for an unknown type names. */
  readonly driverScopes?: readonly string[];
  /** Hosts to expand `host` scopes over, instead of `[general] hosts`. */
  readonly hosts?: readonly string[];
  /** Host types, instead of `[general] host_types`. */
  readonly hostTypes?: readonly string[];
}

/** The outcome of {@link validateDocument}: the pools that are valid, and every issue. */
export interface ValidationResult {
  readonly pools: PoolSpec[];
  readonly hosts: string[];
  readonly hostTypes: string[];
  readonly issues: IssueCollector;
}

function hostList(general: Record<string, unknown>, key: string, doc: TomlDocument, issues: IssueCollector): string[] {
  const value = general[key];
  if (value === undefined) return [];
  const path = joinPath('general', key);
  const found = checkValue(HostListSchema, value, { path, floats: doc.floats });
  for (const issue of found) issues.error(issue.path, issue.message);
  return found.length === 0 ? [...(value as string[])] : [];
}

/**
 * Validate a parsed document. Never throws for a bad configuration: the caller looks at
 * `issues.errors`.
 */
export function validateDocument(doc: TomlDocument, options: ValidateOptions): ValidationResult {
  const issues = new IssueCollector();
  const general = doc.root.general;
  let hosts: string[] = [];
  let hostTypes: string[] = [];
  if (general !== undefined && !isTable(general)) issues.error('general', 'expected a table ([general] section)');
  if (isTable(general)) {
    hosts = hostList(general, 'hosts', doc, issues);
    hostTypes = hostList(general, 'host_types', doc, issues);
  }
  if (options.hosts !== undefined) hosts = [...options.hosts];
  if (options.hostTypes !== undefined) hostTypes = [...options.hostTypes];

  const pools: PoolSpec[] = [];
  const root = doc.root.outgoing_pools;
  if (root !== undefined && !isTable(root)) {
    issues.error('outgoing_pools', 'expected a table of pool types ([outgoing_pools.<type>.<tag>] sections)');
  }
  for (const [type, byTag] of Object.entries(isTable(root) ? root : {})) {
    const typePath = joinPath('outgoing_pools', type);
    if (!options.registry.has(type)) {
      const known = new Set<string>([...(options.knownTypes ?? []), ...options.registry.types()]);
      issues.error(
        typePath,
        `unknown pool type ${JSON.stringify(type)}: ${installHint(type, {
          builtIn: options.knownTypes?.includes(type) === true,
          scopes: options.driverScopes ?? [],
        })}${didYouMean(type, known)}`,
      );
      continue;
    }
    if (!isTable(byTag)) {
      issues.error(typePath, `expected a table of pools ([${typePath}.<tag>] sections)`);
      continue;
    }
    const driver = options.registry.get(type);
    for (const [tag, section] of Object.entries(byTag)) {
      const path = joinPath(typePath, tag);
      if (tag === '') {
        issues.error(path, 'a pool tag must not be empty');
        continue;
      }
      // [[outgoing_pools.<type>.<tag>]]: several sections with one tag (e.g. a global pool and a
      // host-specific one); each is validated on its own and their keys must not collide.
      const sections = Array.isArray(section)
        ? section.map((value, index) => ({ value, path: joinPath(path, index) }))
        : [{ value: section, path }];
      for (const one of sections) {
        const spec = validatePool({ type, tag, path: one.path, value: one.value, driver }, issues, doc.floats);
        if (spec !== undefined) pools.push(spec);
      }
    }
  }
  crossPoolRules(pools, hosts, hostTypes, issues);
  return { pools, hosts, hostTypes, issues };
}

function crossPoolRules(
  pools: readonly PoolSpec[],
  hosts: readonly string[],
  hostTypes: readonly string[],
  issues: IssueCollector,
): void {
  const all = [...hosts, ...hostTypes];
  const owners = new Map<string, string>();
  for (const pool of pools) {
    const { scope, host } = pool.options;
    if (scope === 'single_host' && host !== undefined && !all.includes(host)) {
      issues.warn(
        joinPath(pool.path, 'host'),
        `${JSON.stringify(host)} is not one of the configured hosts or host types (${all.length === 0 ? 'none configured' : all.join(', ')}); the pool starts anyway`,
      );
    }
    if (scope === 'host' && all.length === 0) {
      issues.warn(
        joinPath(pool.path, 'scope'),
        'scope = "host" but no hosts or host types are configured: this pool starts no instance',
      );
    }
    for (const key of poolKeysOf(pool, all)) {
      const id = poolKeyId(key);
      const first = owners.get(id);
      if (first === undefined) owners.set(id, pool.path);
      else issues.error(pool.path, `pool ${formatPoolKey(key)} is defined twice: by ${first} and by ${pool.path}`);
    }
  }
}
