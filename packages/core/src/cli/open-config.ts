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
import { PUBLISHED_TYPES } from './published-types.js';
import { type CliIo, CommandFailure, ExitCode, UsageError } from './io.js';
import { decodeConfigBytes } from '../config/utf8.js';
import { DriverRegistry } from '../driver/registry.js';
import type { ConfigIssue } from '../errors.js';

/** The options the file commands share for finding the configuration and its drivers. */
export interface ConfigArgs {
  readonly file: string;
  readonly hosts?: string | undefined;
  readonly hostTypes?: string | undefined;
  readonly plugins: readonly string[];
  /** npm scopes searched for `@<scope>/outpools-driver-<type>` (`--driver-scope`). */
  readonly driverScopes?: readonly string[];
}

/** The values of the file commands' shared options (`FILE_COMMAND_OPTIONS` in `args.ts`), as parsed. */
export interface FileCommandValues {
  readonly hosts?: string | undefined;
  readonly 'host-types'?: string | undefined;
  readonly plugin?: readonly string[] | undefined;
  readonly 'driver-scope'?: readonly string[] | undefined;
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

const READ_FAILURES: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory, not a configuration file',
};

/**
 * The file's text; a file that is not valid UTF-8 is an issue (`file:line:column`); a file that
 * cannot be read is a {@link CommandFailure} (exit status 2, one line, no usage).
 */
async function readConfigText(file: string, io: CliIo): Promise<string | ConfigIssue> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(resolve(io.cwd, file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    throw new CommandFailure(`cannot read ${file}: ${READ_FAILURES[code] ?? code}`, ExitCode.usage);
  }
  const decoded = decodeConfigBytes(bytes, file);
  return decoded.ok ? decoded.text : decoded.issue;
}

/** {@link openConfig} for a file command: the `<file>` and its parsed shared options. */
export function openFileConfig(file: string, values: FileCommandValues, io: CliIo): Promise<OpenedConfig> {
  return openConfig(
    {
      file,
      hosts: values.hosts,
      hostTypes: values['host-types'],
      plugins: values.plugin ?? [],
      driverScopes: values['driver-scope'] ?? [],
    },
    io,
  );
}

/** Read the file, load the drivers its pool types need (and the plugins), validate it. */
export async function openConfig(args: ConfigArgs, io: CliIo): Promise<OpenedConfig> {
  const text = await readConfigText(args.file, io);
  if (typeof text !== 'string') {
    return { result: { ok: false, errors: [text], warnings: [] }, registry: new DriverRegistry(), secrets: [] };
  }
  const parsed = readToml(text);
  const types = parsed.ok ? poolTypesIn(parsed.doc.root) : [];
  const scopes = args.driverScopes ?? [];
  const loaded = await loadDrivers(types, { plugins: args.plugins, cwd: io.cwd, scopes });
  const pluginFailure = loaded.failures.find((f) => f.type === undefined);
  if (pluginFailure !== undefined) throw new UsageError(pluginFailure.message);
  const hosts = list(args.hosts);
  const hostTypes = list(args.hostTypes);
  const checked = checkConfig(text, {
    registry: loaded.registry,
    knownTypes: PUBLISHED_TYPES,
    driverScopes: scopes,
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
