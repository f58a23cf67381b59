/**
 * `outpools check <file>`: parse and validate a configuration, print every pool after defaults
 * (or every error), exit 0 when valid, 1 when the configuration has errors, 2 for a usage error.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FILE_COMMAND_OPTIONS, fileArgument } from '../args.js';
import { loadDrivers } from '../../driver/loader.js';
import type { ConfigIssue } from '../../errors.js';
import { isTable, joinPath, redactSecrets } from '../../config/issues.js';
import { checkConfig, type CheckResult } from '../../config/load.js';
import { readToml } from '../../config/toml.js';
import type { LoadedConfig } from '../../config/types.js';
import { formatPool, instancesOf } from '../format.js';
import { type CliCommand, type CliIo, ExitCode, UsageError } from '../io.js';

const usage = `Usage: outpools check <file> [--json] [--hosts a,b] [--host-types t1,t2] [--plugin <module>]...

Parse and validate a configuration file; print every pool instance with its options after
defaults (passwords as "***") and the warnings.

  --json              print one JSON document: {"ok","errors","warnings","pools"}
  --hosts a,b         hosts that scope = "host" expands over (instead of [general] hosts)
  --host-types t1,t2  host types (instead of [general] host_types)
  --plugin <module>   load pool drivers from a module path or package (repeatable)

Exit status: 0 valid, 1 the configuration has errors, 2 usage error.`;

const list = (value: string | undefined): string[] | undefined =>
  value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter((s) => s !== '');

/** The pool types a document names (for loading their drivers). */
function typesIn(text: string): string[] {
  const parsed = readToml(text);
  if (!parsed.ok) return [];
  const pools = parsed.doc.root.outgoing_pools;
  return isTable(pools) ? Object.keys(pools) : [];
}

function jsonReport(result: CheckResult): string {
  const config = result.config;
  const pools = (config?.pools ?? []).map((pool) => ({
    type: pool.type,
    tag: pool.tag,
    scope: pool.options.scope,
    host: pool.options.host ?? null,
    instances: instancesOf(pool, config as LoadedConfig),
    options: { strategy: pool.options.strategy, workers: pool.options.workers, call_timeout: pool.options.call_timeout },
    connection: redactSecrets(pool.connection),
  }));
  return `${JSON.stringify({ ok: result.ok, errors: result.errors, warnings: result.warnings, pools }, null, 2)}\n`;
}

const issueLine = (issue: ConfigIssue): string => `${issue.path}: ${issue.message}\n`;

function humanReport(result: CheckResult, file: string, io: CliIo): void {
  if (result.config !== undefined) {
    const config = result.config;
    const instances = config.pools.reduce((n, pool) => n + instancesOf(pool, config).length, 0);
    for (const pool of config.pools) io.stdout(`${formatPool(pool, config)}\n\n`);
    for (const w of result.warnings) io.stdout(`warning: ${issueLine(w)}`);
    io.stdout(`${file}: OK, ${config.pools.length} ${config.pools.length === 1 ? 'pool' : 'pools'}, ${instances} ${instances === 1 ? 'instance' : 'instances'}${result.warnings.length > 0 ? `, ${result.warnings.length} warning(s)` : ''}\n`);
    return;
  }
  for (const e of result.errors) io.stderr(issueLine(e));
  for (const w of result.warnings) io.stderr(`warning: ${issueLine(w)}`);
  io.stderr(`${file}: ${result.errors.length} ${result.errors.length === 1 ? 'error' : 'errors'}\n`);
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      ...FILE_COMMAND_OPTIONS,
    },
  });
  if (values.help) {
    io.stdout(`${usage}\n`);
    return ExitCode.ok;
  }
  const file = fileArgument(positionals);
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const loaded = await loadDrivers(typesIn(text), { plugins: values.plugin, cwd: io.cwd });
  const pluginFailure = loaded.failures.find((f) => f.type === undefined);
  if (pluginFailure !== undefined) throw new UsageError(pluginFailure.message);
  const hosts = list(values.hosts);
  const hostTypes = list(values['host-types']);
  const checked = checkConfig(text, {
    registry: loaded.registry,
    source: file,
    ...(hosts !== undefined && { hosts }),
    ...(hostTypes !== undefined && { hostTypes }),
  });
  const loadErrors = loaded.failures.map((f) => ({ path: joinPath('outgoing_pools', f.type ?? ''), message: f.message }));
  // A package that is installed but broken replaces the generic "install the package" error.
  const loadPaths = new Set(loadErrors.map((e) => e.path));
  const result: CheckResult =
    loadErrors.length === 0
      ? checked
      : { ok: false, errors: [...loadErrors, ...checked.errors.filter((e) => !loadPaths.has(e.path))], warnings: checked.warnings };
  if (values.json) io.stdout(jsonReport(result));
  else humanReport(result, file, io);
  return result.ok ? ExitCode.ok : ExitCode.invalid;
}

/** `outpools check`. */
export const command: CliCommand = { summary: 'validate a configuration file and print the resolved pools', usage, run };
