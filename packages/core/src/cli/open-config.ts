/**
 * The one "open a configuration file" flow of `check`, `status` and `bench`: read the file, load
 * the drivers its pool types need (and the `--plugin` modules), validate it.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isTable, joinPath } from '../config/issues.js';
import { poolTypesIn } from '../config/outgoing-pools.js';
import { checkConfig, type CheckResult } from '../config/load.js';
import { readToml } from '../config/toml.js';
import { loadDrivers } from '../driver/loader.js';
import type { DriverRegistry } from '../driver/registry.js';
import { PUBLISHED_TYPES } from './published-types.js';
import { type CliIo, UsageError } from './io.js';

/** The options the file commands share for finding the configuration and its drivers. */
export interface ConfigArgs {
  readonly file: string;
  readonly hosts?: string | undefined;
  readonly hostTypes?: string | undefined;
  readonly plugins: readonly string[];
}

/** A validated (or refused) configuration, with the drivers that were loaded for it. */
export interface OpenedConfig {
  /** The validation result; a driver package that failed to load is one of its errors. */
  readonly result: CheckResult;
  readonly registry: DriverRegistry;
  /** Every configured password (to scrub from any output). */
  readonly secrets: readonly string[];
}

const list = (value: string | undefined): string[] | undefined =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');

/** Every string under a key named `password`, at any depth (to scrub them from any output). */
export function secretsIn(value: unknown, key = ''): string[] {
  if (typeof value === 'string') return key === 'password' && value !== '' ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((v) => secretsIn(v, key));
  if (isTable(value)) return Object.entries(value).flatMap(([k, v]) => secretsIn(v, k));
  return [];
}

/** Read the file, load the drivers its pool types need (and the plugins), validate it. */
export async function openConfig(args: ConfigArgs, io: CliIo): Promise<OpenedConfig> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, args.file), 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${args.file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const parsed = readToml(text);
  const types = parsed.ok ? poolTypesIn(parsed.doc.root) : [];
  const loaded = await loadDrivers(types, { plugins: args.plugins, cwd: io.cwd });
  const pluginFailure = loaded.failures.find((f) => f.type === undefined);
  if (pluginFailure !== undefined) throw new UsageError(pluginFailure.message);
  const hosts = list(args.hosts);
  const hostTypes = list(args.hostTypes);
  const checked = checkConfig(text, {
    registry: loaded.registry,
    knownTypes: PUBLISHED_TYPES,
    source: args.file,
    ...(hosts !== undefined && { hosts }),
    ...(hostTypes !== undefined && { hostTypes }),
  });
  const loadErrors = loaded.failures.map((f) => ({
    path: joinPath('outgoing_pools', f.type ?? ''),
    message: f.message,
  }));
  // A package that is installed but broken replaces the generic "install the package" error.
  // (The same type inside a [[host_config]] section: host_config[<n>].outgoing_pools.<type>.)
  const loadPaths = new Set(loadErrors.map((e) => e.path));
  const replacedPath = (path: string): boolean => loadPaths.has(path.replace(/^host_config\[\d+\]\./, ''));
  const result: CheckResult =
    loadErrors.length === 0
      ? checked
      : {
          ok: false,
          errors: [...loadErrors, ...checked.errors.filter((e) => !replacedPath(e.path))],
          warnings: checked.warnings,
        };
  const secrets = result.config ? secretsIn(result.config.pools.map((p) => p.connection)) : [];
  return { result, registry: loaded.registry, secrets };
}
