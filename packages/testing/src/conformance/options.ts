/**
 * Options of the conformance suite and the helpers every group shares: building a one-pool TOML
 * file for the driver under test and checking it with the real configuration layer.
 * @module
 */
import { checkConfig, DriverRegistry, type CheckResult } from '@outpools/core';
import type { PoolDriver } from '@outpools/core/driver';
import { toToml, type TomlValue } from './toml.js';
import type { BreakConnection } from './broken-connection.js';

/**
 * Options of {@link describeConformance}. The type parameters are the driver's own (options,
 * connection, client), inferred from `driver`.
 */
export interface ConformanceOptions<O extends object = Record<string, unknown>, C = unknown, T = unknown> {
  /** The pool type under test. */
  readonly driver: PoolDriver<O, C, T>;
  /** Other drivers the configuration may need (the driver under test is added if absent). */
  readonly registry?: DriverRegistry;
  /**
   * A TOML-shaped `[connection]` table: the minimal valid one for the offline groups (default
   * `{}`), and the server to talk to for the live groups.
   */
  readonly connection?: Readonly<Record<string, TomlValue>>;
  /** Pool-level keys added to every test pool (e.g. `{ call_timeout: 2000 }`). */
  readonly pool?: Readonly<Record<string, TomlValue>>;
  /** Run the live groups against the server that `connection` points at. Default false. */
  readonly live?: boolean;
  /** Workers of the live test pool, 1 to 3. Default 2. */
  readonly workers?: number;
  /**
   * A `[connection]` table pointing at `127.0.0.1:<port>`, where nothing listens. Default: the
   * `connection` with `host = "127.0.0.1"` and `port = <port>` (when the schema has those keys).
   */
  readonly unreachable?: (port: number) => Readonly<Record<string, TomlValue>>;
  /**
   * The driver of the closed-port group (same type), default `driver`. For a pool type without
   * a network address (a fake), pass a copy whose connects always fail. Any pool driver of the
   * same type (typed loosely: its client may differ from `driver`'s).
   */
  readonly unreachableDriver?: Pick<PoolDriver, 'type' | 'connectionSchema'>;
  /**
   * Whether this connection table takes a `[tls]` section. Default: when the schema has a `tls`
   * key. Set it to false when the driver refuses TLS for this table (rdbms with `driver = "odbc"`).
   */
  readonly tls?: boolean;
  /**
   * How the live case "a pooled connection broken from the outside" breaks one connection:
   * `{ proxy, through }` (a TCP proxy the suite runs in front of `proxy`, the pool configured with
   * `through(proxyPort)`) or `{ kill }` (your test breaks the connection it is given, on the
   * server). Default: a proxy in front of the connection table's `host` and `port` when it has
   * both; without them the case fails and asks for this option. `false`: the pool type has no
   * connection that can be broken (an in-memory type).
   */
  readonly breakConnection?: BreakConnection<C> | false;
  /** The package name the driver must declare. Default: any name ending in `-<type>` or `/<type>`. */
  readonly packageName?: string;
  /** Deadline of each live step, ms. Default 10000. */
  readonly timeoutMs?: number;
  /** Title of the top-level describe block. Default `<type> pool type conformance`. */
  readonly title?: string;
}

/** The tag of every pool the suite configures. */
export const TAG = 'conformance';

/** The dotted TOML path of the test pool's section. */
export function poolPath(driver: PoolDriver): string {
  return `outgoing_pools.${driver.type}.${TAG}`;
}

/** A registry holding `driver` (replacing another driver of its type) and the given others. */
export function registryWith(driver: PoolDriver, others?: DriverRegistry): DriverRegistry {
  const registry = new DriverRegistry([driver]);
  for (const type of others?.types() ?? []) {
    if (type !== driver.type) registry.register(others!.get(type));
  }
  return registry;
}

/** The TOML text of a file with one pool of the driver's type. */
export function oneDriverToml(
  driver: PoolDriver,
  connection: Readonly<Record<string, TomlValue>>,
  pool: Readonly<Record<string, TomlValue>> = {},
): string {
  return toToml({ outgoing_pools: { [driver.type]: { [TAG]: { ...pool, connection } } } });
}

/** Check a one-pool file with the real configuration layer. */
export function checkOne(
  options: ConformanceOptions,
  connection: Readonly<Record<string, TomlValue>>,
  pool: Readonly<Record<string, TomlValue>> = {},
): CheckResult {
  const text = oneDriverToml(options.driver, connection, { ...options.pool, ...pool });
  return checkConfig(text, { registry: registryWith(options.driver, options.registry) });
}

/** `path: message` lines of a check result's errors, for assertion messages. */
export function describeIssues(result: CheckResult): string {
  return result.errors.map((e) => `${e.path}: ${e.message}`).join('\n') || '(no errors)';
}
