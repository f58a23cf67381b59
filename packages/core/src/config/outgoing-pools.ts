/**
 * Validation of one `outgoing_pools` table, at the top level or inside a `[[host_config]]`
 * section: the registered pool types, the tags, and each pool section (`validate-pool.ts`).
 * @module
 */
import { installHint, type DriverRegistry } from '../driver/registry.js';
import { didYouMean, type IssueCollector, isTable, joinPath } from './issues.js';
import type { TomlDocument } from './toml.js';
import type { PoolSpec } from './types.js';
import { validatePool } from './validate-pool.js';

/** Where an `outgoing_pools` table sits. */
export interface PoolsTableAt {
  /** Its dotted path: `outgoing_pools` or `host_config[<n>].outgoing_pools`. */
  readonly path: string;
  /** The host (or host type) of the enclosing `[[host_config]]` section, if any. */
  readonly hostConfig?: string;
}

/** What validating a pools table needs from the caller. */
export interface PoolsTableContext {
  readonly registry: DriverRegistry;
  readonly knownTypes?: readonly string[] | undefined;
  /** npm scopes searched for `@<scope>/outpools-driver-<type>` (named in the install hint). */
  readonly driverScopes?: readonly string[] | undefined;
  readonly doc: TomlDocument;
  readonly issues: IssueCollector;
}

/** Keys a pool of a `[[host_config]]` section may not have: its host comes from the section. */
const HOST_CONFIG_REFUSED = ['scope', 'host'] as const;

/**
 * Validate the pools of one `outgoing_pools` table, recording every issue; returns the valid ones.
 * Inside a `[[host_config]]` section a pool takes that section's host (`scope` and `host` are
 * refused there, as MongooseIM refuses `scope`).
 */
export function validateOutgoingPools(table: unknown, at: PoolsTableAt, ctx: PoolsTableContext): PoolSpec[] {
  const { issues, registry } = ctx;
  if (table === undefined) return [];
  if (!isTable(table)) {
    issues.error(at.path, 'expected a table of pool types ([outgoing_pools.<type>.<tag>] sections)');
    return [];
  }
  const pools: PoolSpec[] = [];
  for (const [type, byTag] of Object.entries(table)) {
    const typePath = joinPath(at.path, type);
    if (!registry.has(type)) {
      const known = new Set<string>([...(ctx.knownTypes ?? []), ...registry.types()]);
      issues.error(
        typePath,
        `unknown pool type ${JSON.stringify(type)}: ${installHint(type, {
          builtIn: ctx.knownTypes?.includes(type) === true,
          scopes: ctx.driverScopes ?? [],
        })}${didYouMean(type, known)}`,
      );
      continue;
    }
    if (!isTable(byTag)) {
      issues.error(typePath, `expected a table of pools ([${typePath}.<tag>] sections)`);
      continue;
    }
    const driver = registry.get(type);
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
        if (at.hostConfig === undefined) {
          const spec = validatePool({ type, tag, path: one.path, value: one.value, driver }, issues, ctx.doc.floats);
          if (spec !== undefined) pools.push(spec);
          continue;
        }
        // The rest of a refused section is still checked, so every error is reported at once.
        const { value, refused } = hostConfigPool(one.value, one.path, at.hostConfig, issues);
        const spec = validatePool({ type, tag, path: one.path, value, driver }, issues, ctx.doc.floats);
        if (spec !== undefined && !refused) pools.push({ ...spec, hostConfig: at.hostConfig });
      }
    }
  }
  return pools;
}

/** A `[[host_config]]` pool section with its host filled in; `refused` after a `scope`/`host` error. */
function hostConfigPool(
  value: unknown,
  path: string,
  host: string,
  issues: IssueCollector,
): { value: unknown; refused: boolean } {
  if (!isTable(value)) return { value, refused: false }; // validatePool names what was expected
  let refused = false;
  for (const key of HOST_CONFIG_REFUSED) {
    if (value[key] === undefined) continue;
    refused = true;
    issues.error(
      joinPath(path, key),
      `not allowed in a [[host_config]] section: this pool exists for that section's host ${JSON.stringify(host)} only ` +
        '(MongooseIM refuses scope there too); to start it for other hosts, define it under [outgoing_pools]',
    );
  }
  return { value: { ...value, scope: 'single_host', host }, refused };
}

/**
 * The pool types a parsed document names, under `outgoing_pools` and under each
 * `[[host_config]]` section's `outgoing_pools` (to load their drivers before validation).
 * @example
 * ```ts
 * poolTypesIn(doc.root); // ['rdbms', 'redis']
 * ```
 */
export function poolTypesIn(root: Readonly<Record<string, unknown>>): string[] {
  const types = new Set<string>();
  const add = (table: unknown): void => {
    if (isTable(table)) for (const type of Object.keys(table)) types.add(type);
  };
  add(root.outgoing_pools);
  const hostConfigs = root.host_config;
  if (Array.isArray(hostConfigs)) for (const section of hostConfigs) if (isTable(section)) add(section.outgoing_pools);
  return [...types];
}
