/**
 * The public entry points of the configuration layer: parse and validate TOML text or a file
 * into a {@link LoadedConfig}.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { ConfigError, type ConfigIssue } from '../errors.js';
import type { DriverRegistry } from '../driver/registry.js';
import { readToml } from './toml.js';
import { decodeConfigBytes } from './utf8.js';
import type { LoadedConfig } from './types.js';
import { validateDocument } from './validate.js';

/** Options of {@link parseConfig}, {@link checkConfig} and {@link loadConfigFile}. */
export interface ConfigOptions {
  /** The pool types that may appear in the file. */
  readonly registry: DriverRegistry;
  /** Pool types that exist but are not registered here (a "did you mean" for a misspelt type). */
  readonly knownTypes?: readonly string[];
  /** npm scopes whose `@<scope>/outpools-driver-<type>` packages the error for an unknown type names. */
  readonly driverScopes?: readonly string[];
  /** Where the text came from (a file path), for messages and `LoadedConfig.source`. */
  readonly source?: string;
  /** Hosts that `scope = "host"` expands over, instead of `[general] hosts`. */
  readonly hosts?: readonly string[];
  /** Host types, instead of `[general] host_types`. */
  readonly hostTypes?: readonly string[];
}

/** The outcome of {@link checkConfig}. */
export interface CheckResult {
  /** No errors (warnings are allowed). */
  readonly ok: boolean;
  /** The configuration, when `ok`. */
  readonly config?: LoadedConfig;
  readonly errors: ConfigIssue[];
  readonly warnings: ConfigIssue[];
}

/**
 * Parse and validate a configuration; never throws for a bad configuration.
 * @example
 * ```ts
 * const result = checkConfig(text, { registry });
 * for (const e of result.errors) console.error(`${e.path}: ${e.message}`);
 * ```
 */
export function checkConfig(text: string, options: ConfigOptions): CheckResult {
  const parsed = readToml(text, options.source);
  if (!parsed.ok) return { ok: false, errors: [parsed.issue], warnings: [] };
  const result = validateDocument(parsed.doc, options);
  const { errors, warnings } = result.issues;
  if (errors.length > 0) return { ok: false, errors, warnings };
  const config: LoadedConfig = {
    ...(options.source !== undefined && { source: options.source }),
    pools: result.pools,
    hosts: result.hosts,
    hostTypes: result.hostTypes,
    warnings,
  };
  return { ok: true, config, errors, warnings };
}

/**
 * Parse and validate a configuration; throws {@link ConfigError} listing every issue.
 * @example
 * ```ts
 * import { DriverRegistry, parseConfig } from '@outpools/core';
 * import { redisDriver } from '@outpools/driver-redis';
 *
 * const config = parseConfig('[outgoing_pools.redis.default]\nworkers = 4\n', {
 *   registry: new DriverRegistry([redisDriver]),
 * });
 * config.pools[0]?.options.workers; // 4
 * ```
 */
export function parseConfig(text: string, options: ConfigOptions): LoadedConfig {
  const result = checkConfig(text, options);
  if (result.config === undefined) {
    throw new ConfigError(result.errors, options.source === undefined ? {} : { file: options.source });
  }
  return result.config;
}

/**
 * Read, parse and validate a configuration file; throws {@link ConfigError} (also when the file
 * cannot be read, or is not valid UTF-8: the issue names the file, line and column).
 * @example
 * ```ts
 * const config = await loadConfigFile('/etc/app/pools.toml', { registry });
 * ```
 */
export async function loadConfigFile(path: string, options: ConfigOptions): Promise<LoadedConfig> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    throw new ConfigError([{ path, message: `cannot read the file (${code})` }], { file: path, cause: error });
  }
  const source = options.source ?? path;
  const decoded = decodeConfigBytes(bytes, source);
  if (!decoded.ok) throw new ConfigError([decoded.issue], { file: source });
  return parseConfig(decoded.text, { ...options, source });
}
