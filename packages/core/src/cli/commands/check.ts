/**
 * `outpools check <file>`: parse and validate a configuration, print every pool after defaults
 * (or every error), exit 0 when valid, 1 when the configuration has errors, 2 for a usage error.
 * @module
 */
import { FILE_COMMAND_OPTIONS, parseFileCommand } from '../args.js';
import type { ConfigIssue } from '../../errors.js';
import { redactSecrets } from '../../config/issues.js';
import type { CheckResult } from '../../config/load.js';
import { openFileConfig } from '../open-config.js';
import type { LoadedConfig } from '../../config/types.js';
import { formatPool, instancesOf } from '../format.js';
import { type CliCommand, type CliIo, ExitCode } from '../io.js';

const usage = `Usage: outpools check <file> [--json] [--hosts a,b] [--host-types t1,t2] [--plugin <module>]... [--driver-scope @s]...

Parse and validate a configuration file; print every pool instance with its options after
defaults (passwords as "***") and the warnings.

  --json              print one JSON document: {"ok","errors","warnings","pools"}
  --hosts a,b         hosts that scope = "host" expands over (instead of [general] hosts)
  --host-types t1,t2  host types (instead of [general] host_types)
  --plugin <module>   load pool drivers from a module path or package (repeatable)
  --driver-scope @s   also look for pool type <t> in @s/outpools-driver-<t> (repeatable)

Exit status: 0 valid, 1 the configuration has errors, 2 usage error.`;

function jsonReport(result: CheckResult): string {
  const config = result.config;
  const pools = (config?.pools ?? []).map((pool) => ({
    type: pool.type,
    tag: pool.tag,
    scope: pool.options.scope,
    host: pool.options.host ?? null,
    // A pool of a [[host_config]] section: that section's host (also in `host`).
    ...(pool.hostConfig !== undefined && { host_config: pool.hostConfig }),
    instances: instancesOf(pool, config as LoadedConfig),
    options: {
      strategy: pool.options.strategy,
      workers: pool.options.workers,
      call_timeout: pool.options.call_timeout,
      ...(pool.options.max_worker_queue_len !== undefined && {
        max_worker_queue_len: pool.options.max_worker_queue_len,
      }),
    },
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
    io.stdout(
      `${file}: OK, ${config.pools.length} ${config.pools.length === 1 ? 'pool' : 'pools'}, ${instances} ${instances === 1 ? 'instance' : 'instances'}${result.warnings.length > 0 ? `, ${result.warnings.length} warning(s)` : ''}\n`,
    );
    return;
  }
  for (const e of result.errors) io.stderr(issueLine(e));
  for (const w of result.warnings) io.stderr(`warning: ${issueLine(w)}`);
  io.stderr(`${file}: ${result.errors.length} ${result.errors.length === 1 ? 'error' : 'errors'}\n`);
}

const OPTIONS = {
  ...FILE_COMMAND_OPTIONS,
} as const;

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseFileCommand(args, OPTIONS, usage, io);
  if (parsed === undefined) return ExitCode.ok;
  const { values, file } = parsed;
  const { result } = await openFileConfig(file, values, io);
  if (values.json) io.stdout(jsonReport(result));
  else humanReport(result, file, io);
  return result.ok ? ExitCode.ok : ExitCode.invalid;
}

/** `outpools check`. */
export const command: CliCommand = {
  summary: 'validate a configuration file and print the resolved pools',
  usage,
  options: OPTIONS,
  takesFile: true,
  run,
};
