/**
 * Validation of one `[outgoing_pools.<type>.<tag>]` section: pool options, the driver's
 * connection schema, scope/host rules, the driver's strategy veto, `resolve()`, TLS rules and
 * the driver's own `check()`.
 * @module
 */
import Type from 'typebox';
import type { DriverCheckContext } from '../driver/contract.js';
import type { AnyPoolDriver } from '../driver/registry.js';
import { withDefaults } from './defaults.js';
import { type IssueCollector, isTable, joinPath } from './issues.js';
import { normalizeScope, PoolOptionsSchema, type PoolOptions, type PoolOptionsResolved } from './pool-schema.js';
import { checkValue } from './schema-check.js';
import type { SchemaNode } from './schema-text.js';
import { tlsIssues } from '../tls/rules.js';
import type { PoolSpec } from './types.js';

/** The keys of a pool section: the pool options plus `connection` (checked by the driver's schema). */
const PoolSectionSchema = Type.Object(
  { ...PoolOptionsSchema.properties, connection: Type.Optional(Type.Unknown()) },
  { additionalProperties: false },
);

/** One pool section to validate. */
export interface PoolSection {
  readonly type: string;
  readonly tag: string;
  /** The section's full dotted path. */
  readonly path: string;
  readonly value: unknown;
  readonly driver: AnyPoolDriver;
}

/**
 * Validate one pool section, recording every issue in `issues`; returns the {@link PoolSpec}
 * when the section has no error.
 */
export function validatePool(
  section: PoolSection,
  issues: IssueCollector,
  floats: ReadonlySet<string>,
): PoolSpec | undefined {
  const { driver, path, tag, type } = section;
  if (!isTable(section.value)) {
    issues.error(
      path,
      `expected a table (a [${path}] section), got ${section.value === undefined ? 'nothing' : typeof section.value}`,
    );
    return undefined;
  }
  const before = issues.errors.length;
  const { connection: rawConnection, ...poolPart } = section.value;
  const poolWithTypeDefaults = { ...driver.defaults, ...poolPart };
  const pool = withDefaults(PoolSectionSchema as unknown as SchemaNode, poolWithTypeDefaults) as PoolOptionsResolved;
  const poolIssues = checkValue(PoolSectionSchema as unknown as SchemaNode, pool, { path, floats });
  for (const issue of poolIssues) issues.error(issue.path, issue.message);
  const valid = (key: string): boolean => !poolIssues.some((i) => i.path === joinPath(path, key));
  const options: PoolOptions = {
    scope: normalizeScope(pool.scope),
    ...(pool.host !== undefined && { host: pool.host }),
    strategy: pool.strategy,
    workers: pool.workers,
    call_timeout: pool.call_timeout,
    ...(pool.max_worker_queue_len !== undefined && { max_worker_queue_len: pool.max_worker_queue_len }),
  };
  if (valid('scope') && valid('host')) checkScope(options, path, issues);
  if (valid('strategy') && options.max_worker_queue_len !== undefined && options.strategy !== 'best_worker') {
    issues.error(
      joinPath(path, 'max_worker_queue_len'),
      `only allowed with strategy = "best_worker" (this pool's strategy is "${options.strategy}")`,
    );
  }
  if (valid('strategy') && typeof driver.refuseStrategy === 'function') {
    const refusal = driver.refuseStrategy(options.strategy);
    if (refusal !== undefined) issues.error(joinPath(path, 'strategy'), refusal);
  }

  const connectionPath = joinPath(path, 'connection');
  const schema = driver.connectionSchema as unknown as SchemaNode;
  let connection = withDefaults(schema, rawConnection ?? {}) as Record<string, unknown>;
  const connectionIssues = checkValue(schema, connection, { path: connectionPath, floats });
  for (const issue of connectionIssues) issues.error(issue.path, issue.message);
  if (connectionIssues.length > 0) return undefined;
  if (typeof driver.resolve === 'function') connection = driver.resolve(connection);
  let tlsOk = true;
  if (isTable(connection.tls)) {
    const tls = tlsIssues(connection.tls, joinPath(connectionPath, 'tls'));
    for (const issue of tls.errors) issues.error(issue.path, issue.message);
    for (const issue of tls.warnings) issues.warn(issue.path, issue.message);
    tlsOk = tls.errors.length === 0;
  }
  // The driver's check needs well-typed options; scope/host/strategy rule errors do not matter.
  if (poolIssues.length === 0 && tlsOk && typeof driver.check === 'function') {
    const ctx: DriverCheckContext<Record<string, unknown>> = {
      tag,
      pool: options,
      connection,
      error: (relative, message) => issues.error(relative === '' ? path : `${path}.${relative}`, message),
      warn: (relative, message) => issues.warn(relative === '' ? path : `${path}.${relative}`, message),
    };
    driver.check(ctx);
  }
  if (issues.errors.length > before) return undefined;
  return { type, tag, path, options, connection };
}

function checkScope(options: PoolOptions, path: string, issues: IssueCollector): void {
  const hostPath = joinPath(path, 'host');
  if (options.scope === 'single_host' && options.host === undefined) {
    issues.error(
      hostPath,
      'missing required key: scope = "single_host" needs the host (or host type) to start the pool for',
    );
  } else if (options.scope !== 'single_host' && options.host !== undefined) {
    issues.error(hostPath, `only allowed with scope = "single_host" (this pool's scope is "${options.scope}")`);
  }
}
