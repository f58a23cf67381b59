/**
 * What the commands share for reading their command line: the options of the file commands, the
 * one `<file>` argument, and `parseArgs` with its errors in the CLI's own words.
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean } from '../config/issues.js';
import { type CliIo, UsageError } from './io.js';

/** The options of one command, as `node:util` `parseArgs` takes them. */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** Options every file command takes (`check`, `status`, `bench`); spread into the command's options. */
export const FILE_COMMAND_OPTIONS = {
  json: { type: 'boolean', default: false },
  hosts: { type: 'string' },
  'host-types': { type: 'string' },
  plugin: { type: 'string', multiple: true, default: [] as string[] },
  'driver-scope': { type: 'string', multiple: true, default: [] as string[] },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** The command's single `<file>` argument; a usage error when it is missing or not alone. */
export function fileArgument(positionals: readonly string[]): string {
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError('missing the configuration file');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  return file;
}

const flag = (name: string): string => (name.length === 1 ? `-${name}` : `--${name}`);

/** `parseArgs`' own error, reworded: the option as typed, what it needs, a near-miss suggestion. */
function reword(error: Error & { code: string }, options: CommandOptions): UsageError {
  const names = Object.keys(options);
  const quoted = /'(-{1,2}[^' ]+)/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const typed = quoted ?? 'option';
      const bare = typed.replace(/^-+/, '').replace(/=.*$/, '');
      const hint = didYouMean(bare, names).replace(/"([^"]+)"/, (_m, name: string) => flag(name));
      return new UsageError(`unknown option ${typed}${hint}`);
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = quoted ?? 'the option';
      return /argument missing/.test(error.message)
        ? new UsageError(`${name} needs a value`)
        : new UsageError(`${name} takes no value`);
    }
    default:
      return new UsageError(error.message);
  }
}

/** What {@link parseCommandArgs} returns for the options `O`. */
export type ParsedCommandArgs<O extends CommandOptions> = ReturnType<
  typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: O }>
>;

const isParseError = (error: unknown): error is Error & { code: string } =>
  error instanceof Error && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');

/**
 * `parseArgs` with positionals allowed and strict options; an unknown option or a missing value
 * is a {@link UsageError} in the CLI's words (`unknown option --jsn; did you mean --json?`).
 * @example
 * ```ts
 * const { values, positionals } = parseCommandArgs(args, { ...FILE_COMMAND_OPTIONS, 'wait-ms': { type: 'string' } });
 * ```
 */
export function parseCommandArgs<const O extends CommandOptions>(
  args: readonly string[],
  options: O,
): ParsedCommandArgs<O> {
  try {
    return parseArgs({ args: [...args], allowPositionals: true, strict: true, options });
  } catch (error) {
    if (isParseError(error)) throw reword(error, options);
    throw error;
  }
}

/**
 * {@link parseCommandArgs} for a command that takes `--help`: with `--help` it prints the usage
 * and returns `undefined` (the command exits 0); otherwise the parsed arguments.
 * @example
 * ```ts
 * const parsed = parseOrHelp(args, OPTIONS, usage, io);
 * if (parsed === undefined) return ExitCode.ok;
 * ```
 */
export function parseOrHelp<const O extends CommandOptions & { readonly help: { readonly type: 'boolean' } }>(
  args: readonly string[],
  options: O,
  usage: string,
  io: CliIo,
): ParsedCommandArgs<O> | undefined {
  const parsed = parseCommandArgs(args, options);
  if ((parsed.values as { help?: boolean }).help === true) {
    io.stdout(`${usage}\n`);
    return undefined;
  }
  return parsed;
}

/**
 * {@link parseOrHelp} for a file command (`check`, `status`, `bench`): the parsed options and the
 * one `<file>` argument, or `undefined` after printing the usage for `--help`.
 */
export function parseFileCommand<const O extends CommandOptions & { readonly help: { readonly type: 'boolean' } }>(
  args: readonly string[],
  options: O,
  usage: string,
  io: CliIo,
): { values: ParsedCommandArgs<O>['values']; file: string } | undefined {
  const parsed = parseOrHelp(args, options, usage, io);
  return parsed && { values: parsed.values, file: fileArgument(parsed.positionals) };
}
