/**
 * `[[host_config]]` sections (MongooseIM's per-host-type configuration): each names its host
 * type with `host_type` (or `host`, the older spelling) and may hold `outgoing_pools`, whose pools
 * exist for that host type only. Every other key of the section belongs to MongooseIM and is
 * ignored, as at the top level.
 * @module
 */
import { describeValue, type IssueCollector, isTable, joinPath } from './issues.js';
import { type PoolsTableContext, validateOutgoingPools } from './outgoing-pools.js';
import type { PoolSpec } from './types.js';

/**
 * Validate every `[[host_config]]` section's host and pools; returns the valid pools (each with
 * `hostConfig` set). `configured` are the hosts and host types, for the "unknown host" warning.
 */
export function validateHostConfigs(value: unknown, configured: readonly string[], ctx: PoolsTableContext): PoolSpec[] {
  const { issues } = ctx;
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    issues.error('host_config', 'expected an array of tables ([[host_config]] sections)');
    return [];
  }
  const pools: PoolSpec[] = [];
  value.forEach((section, index) => {
    const path = joinPath('host_config', index);
    if (!isTable(section)) {
      issues.error(path, `expected a table (a [[host_config]] section), got ${describeValue(section)}`);
      return;
    }
    const host = sectionHost(section, path, issues);
    if (host === undefined || section.outgoing_pools === undefined) return;
    const found = validateOutgoingPools(
      section.outgoing_pools,
      { path: joinPath(path, 'outgoing_pools'), hostConfig: host },
      ctx,
    );
    if (found.length > 0 && !configured.includes(host)) {
      issues.warn(
        joinPath(path, section.host_type === undefined ? 'host' : 'host_type'),
        `${JSON.stringify(host)} is not one of the configured hosts or host types (${configured.length === 0 ? 'none configured' : configured.join(', ')}); its pools start anyway`,
      );
    }
    pools.push(...found);
  });
  return pools;
}

/** The section's host type: `host_type`, or `host` (MongooseIM takes `host_type` when both are given). */
function sectionHost(section: Record<string, unknown>, path: string, issues: IssueCollector): string | undefined {
  let host: string | undefined;
  let bad = false;
  for (const key of ['host', 'host_type'] as const) {
    const given = section[key];
    if (given === undefined) continue;
    if (typeof given !== 'string' || given === '') {
      issues.error(joinPath(path, key), `expected a non-empty string (a host type), got ${describeValue(given)}`);
      bad = true;
    } else host = given; // host_type, read last, wins
  }
  if (bad) return undefined;
  if (host === undefined) {
    issues.error(path, 'missing required key: host_type (or host) names the host type this section configures');
  }
  return host;
}
