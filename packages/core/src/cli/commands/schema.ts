/**
 * `outpools schema`: print the JSON Schema of a whole configuration file for the pool types
 * that are installed (`@outpools/driver-<type>`) or given with `--plugin`.
 * @module
 */
import { configJsonSchema } from '../../config/json-schema.js';
import { PUBLISHED_TYPES } from '../published-types.js';
import { loadDrivers } from '../../driver/loader.js';
import { parseOrHelp } from '../args.js';
import { type CliCommand, type CliIo, ExitCode, UsageError } from '../io.js';

const usage = `Usage: outpools schema [--plugin <module>]...

Print the JSON Schema (draft 2020-12) of a configuration file for every installed pool type
(@outpools/driver-<type>) and every type a plugin provides, for editors.`;

const OPTIONS = {
  plugin: { type: 'string', multiple: true, default: [] as string[] },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseOrHelp(args, OPTIONS, usage, io);
  if (parsed === undefined) return ExitCode.ok;
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const loaded = await loadDrivers(PUBLISHED_TYPES, { plugins: values.plugin, cwd: io.cwd });
  const pluginFailure = loaded.failures.find((f) => f.type === undefined);
  if (pluginFailure !== undefined) throw new UsageError(pluginFailure.message);
  for (const failure of loaded.failures) io.stderr(`warning: ${failure.message}\n`);
  io.stdout(`${JSON.stringify(configJsonSchema(loaded.registry), null, 2)}\n`);
  return ExitCode.ok;
}

/** `outpools schema`. */
export const command: CliCommand = {
  summary: 'print the JSON Schema of the configuration file',
  usage,
  options: OPTIONS,
  run,
};
