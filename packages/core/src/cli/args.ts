/**
 * What the commands that read a configuration file share: their common options and the one
 * `<file>` argument.
 * @module
 */
import { UsageError } from './io.js';

/** Options every file command takes (`check`, `status`, `bench`); spread into `parseArgs`. */
export const FILE_COMMAND_OPTIONS = {
  json: { type: 'boolean', default: false },
  hosts: { type: 'string' },
  'host-types': { type: 'string' },
  plugin: { type: 'string', multiple: true, default: [] as string[] },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** The command's single `<file>` argument; a usage error when it is missing or not alone. */
export function fileArgument(positionals: readonly string[]): string {
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError('missing the configuration file');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  return file;
}
