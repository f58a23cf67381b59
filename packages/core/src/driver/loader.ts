/**
 * Find drivers at run time: pool types by package name (`@outpools/driver-<type>`, then
 * `outpools-driver-<type>`, then `@<scope>/outpools-driver-<type>` for the scopes given; each
 * resolved from the working directory first, then from the core's own location) and plugins given
 * by path or package name (`--plugin`).
 * @module
 */
import { messageOf } from '../errors.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DriverRegistry, driverPackageNames, isPoolDriver, type AnyPoolDriver } from './registry.js';

/** Options of {@link loadDrivers}. */
export interface LoadDriversOptions {
  /** Register into this registry (default: a new one). Types already in it are not loaded again. */
  readonly registry?: DriverRegistry;
  /** Plugin modules: file paths (absolute, or relative to `cwd`) or package names. */
  readonly plugins?: readonly string[];
  /** Where package names are resolved first (default `process.cwd()`). */
  readonly cwd?: string;
  /** npm scopes also searched for `@<scope>/outpools-driver-<type>` (after the two unscoped names). */
  readonly scopes?: readonly string[];
}

/** Why a module could not provide drivers. */
export interface DriverLoadFailure {
  /** The package name or plugin path. */
  readonly specifier: string;
  /** The pool type it was loaded for, when loaded by type. */
  readonly type?: string;
  readonly message: string;
}

/** What {@link loadDrivers} found. */
export interface LoadDriversResult {
  readonly registry: DriverRegistry;
  /** Types whose package is not installed (and that no plugin provides). */
  readonly missing: string[];
  /** Plugins or packages that were found but failed to load or held no driver. */
  readonly failures: DriverLoadFailure[];
}

/** The URL of the running core module (ESM or CJS build, or its source under a test runner). */
export function coreLocation(): string {
  const url = (import.meta as { url?: string }).url;
  if (typeof url === 'string') return url;
  return pathToFileURL(typeof __filename === 'string' ? __filename : join(process.cwd(), 'index.js')).href;
}

/** Every driver exported by a module (named exports or default, or a default object of drivers). */
export function driversOf(module: Record<string, unknown>): AnyPoolDriver[] {
  const found = new Set<AnyPoolDriver>();
  const visit = (value: unknown): void => {
    if (isPoolDriver(value)) found.add(value);
  };
  for (const value of Object.values(module)) visit(value);
  const fallback = module.default;
  if (typeof fallback === 'object' && fallback !== null && !isPoolDriver(fallback)) {
    for (const value of Object.values(fallback)) visit(value);
  }
  return [...found];
}

function entryOf(packageJsonPath: string): string {
  const pkg = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as Record<string, unknown>;
  const exportsField = pkg.exports as Record<string, unknown> | string | undefined;
  const dot = typeof exportsField === 'object' && exportsField !== null ? exportsField['.'] : exportsField;
  const pick = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    if (typeof value !== 'object' || value === null) return undefined;
    const conditions = value as Record<string, unknown>;
    return pick(conditions.import) ?? pick(conditions.default) ?? pick(conditions.node) ?? pick(conditions.require);
  };
  const entry =
    pick(dot) ??
    (typeof pkg.module === 'string' ? pkg.module : undefined) ??
    (typeof pkg.main === 'string' ? pkg.main : 'index.js');
  return join(dirname(packageJsonPath), entry);
}

/** Resolve a package to an importable file URL from `cwd`, then from the core; `undefined` when absent. */
function resolvePackage(name: string, cwd: string): string | undefined {
  const bases = [pathToFileURL(join(cwd, 'noop.js')).href, coreLocation()];
  for (const base of bases) {
    const require = createRequire(base);
    try {
      return pathToFileURL(entryOf(require.resolve(`${name}/package.json`))).href;
    } catch {
      try {
        return pathToFileURL(require.resolve(name)).href;
      } catch {
        // not resolvable from this base
      }
    }
  }
  return undefined;
}

const firstLineOf = (error: unknown): string => messageOf(error).split('\n')[0] ?? '';

/**
 * Load the drivers a configuration needs: every `--plugin` module first, then for each type
 * still missing the first of {@link driverPackageNames} that is installed.
 * @example
 * ```ts
 * const { registry, missing } = await loadDrivers(['redis', 'rdbms'], { plugins: ['./my-driver.js'] });
 * ```
 */
export async function loadDrivers(
  types: Iterable<string>,
  options: LoadDriversOptions = {},
): Promise<LoadDriversResult> {
  const registry = options.registry ?? new DriverRegistry();
  const cwd = options.cwd ?? process.cwd();
  const failures: DriverLoadFailure[] = [];
  const missing: string[] = [];
  const add = (drivers: AnyPoolDriver[]): void => {
    for (const driver of drivers) if (!registry.has(driver.type)) registry.register(driver);
  };
  for (const plugin of options.plugins ?? []) {
    const local = plugin.startsWith('.') || isAbsolute(plugin) || plugin.startsWith('file:');
    const url = local
      ? plugin.startsWith('file:')
        ? plugin
        : pathToFileURL(resolvePath(cwd, plugin)).href
      : resolvePackage(plugin, cwd);
    if (url === undefined) {
      failures.push({ specifier: plugin, message: `cannot find plugin ${plugin}` });
      continue;
    }
    try {
      const drivers = driversOf((await import(url)) as Record<string, unknown>);
      if (drivers.length === 0)
        failures.push({ specifier: plugin, message: `plugin ${plugin} exports no pool driver` });
      add(drivers);
    } catch (error) {
      failures.push({ specifier: plugin, message: `cannot load plugin ${plugin}: ${firstLineOf(error)}` });
    }
  }
  // Resolve each type's package (cheap, synchronous lookups), then import them all at once: the
  // module loader reads their files side by side instead of one driver after the other.
  const wanted: { type: string; name?: string; url?: string }[] = [];
  for (const type of new Set(types)) {
    if (registry.has(type)) continue;
    let found: { name: string; url: string } | undefined;
    for (const candidate of driverPackageNames(type, options.scopes)) {
      const url = resolvePackage(candidate, cwd);
      if (url !== undefined) {
        found = { name: candidate, url };
        break;
      }
    }
    wanted.push({ type, ...found });
  }
  const loaded = await Promise.allSettled(
    wanted.map(({ url }) => (url === undefined ? undefined : (import(url) as Promise<Record<string, unknown>>))),
  );
  // In the configuration's order; a package may register more types than the one it was found for.
  wanted.forEach(({ type, name = '' }, i) => {
    const outcome = loaded[i] as PromiseSettledResult<Record<string, unknown> | undefined>;
    if (outcome.status === 'rejected') {
      failures.push({ specifier: name, type, message: `cannot load ${name}: ${firstLineOf(outcome.reason)}` });
    } else if (outcome.value !== undefined && !registry.has(type)) {
      add(driversOf(outcome.value));
      if (!registry.has(type))
        failures.push({ specifier: name, type, message: `${name} exports no driver for pool type "${type}"` });
    }
  });
  for (const { type, url } of wanted) if (url === undefined && !registry.has(type)) missing.push(type);
  return { registry, missing, failures };
}
