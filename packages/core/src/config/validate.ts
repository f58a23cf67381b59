/**
 * Validation of a whole parsed configuration document: `[general] hosts`/`host_types`, the
 * top-level `outgoing_pools`, the `outgoing_pools` of each `[[host_config]]` section, and the
 * rules across pools (two pools with the same key, a `single_host` pool for an unknown host).
 * Every issue is collected.
 * @module
 */
import Type from 'typebox';
import { formatPoolKey } from '../errors.js';
import type { DriverRegistry } from '../driver/registry.js';
import { hostConfigKeyIds, poolKeyId, poolKeysOf } from './scope.js';
import { IssueCollector, isTable, joinPath } from './issues.js';
import { checkValue } from './schema-check.js';
import type { SchemaNode } from './schema-text.js';
import type { TomlDocument } from './toml.js';
import type { PoolSpec } from './types.js';
import { validateHostConfigs } from './host-config.js';
import { validateOutgoingPools } from './outgoing-pools.js';

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

  const ctx = {
    registry: options.registry,
    knownTypes: options.knownTypes,
    driverScopes: options.driverScopes,
    doc,
    issues,
  };
  const pools: PoolSpec[] = [
    ...validateOutgoingPools(doc.root.outgoing_pools, { path: 'outgoing_pools' }, ctx),
    ...validateHostConfigs(doc.root.host_config, [...hosts, ...hostTypes], ctx),
  ];
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
  const replaced = hostConfigKeyIds(pools);
  for (const pool of pools) {
    const { scope, host } = pool.options;
    // (A [[host_config]] section's unknown host is reported once, at the section.)
    if (scope === 'single_host' && host !== undefined && pool.hostConfig === undefined && !all.includes(host)) {
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
    for (const key of poolKeysOf(pool, all, replaced)) {
      const id = poolKeyId(key);
      const first = owners.get(id);
      if (first === undefined) owners.set(id, pool.path);
      else issues.error(pool.path, `pool ${formatPoolKey(key)} is defined twice: by ${first} and by ${pool.path}`);
    }
  }
}
