/**
 * The `outpools` command: dispatches `outpools <command> ...` through {@link COMMANDS}.
 * @module
 */
import { COMMANDS } from './commands.js';
import { type CliIo, ExitCode, processIo, UsageError } from './io.js';

export type { CliCommand, CliIo } from './io.js';
export { ExitCode, UsageError } from './io.js';

async function help(): Promise<string> {
  const lines = ['Usage: outpools <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(8)} ${(await load()).summary}`);
  lines.push('', 'Run `outpools <command> --help` for the options of a command.');
  return lines.join('\n');
}

const isArgError = (error: unknown): error is Error & { code: string } =>
  error instanceof Error &&
  typeof (error as { code?: unknown }).code === 'string' &&
  (error as unknown as { code: string }).code.startsWith('ERR_PARSE_ARGS');

/**
 * Run the `outpools` command line; resolves to the exit status (0 ok, 1 invalid configuration,
 * 2 usage error). Expected errors are printed as one line, never as a stack trace.
 * @example
 * ```ts
 * import { main } from '@outpools/core/cli';
 * process.exitCode = await main(['check', 'pools.toml', '--json']);
 * ```
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const text = `${await help()}\n`;
    if (name === undefined) {
      io.stderr(text);
      return ExitCode.usage;
    }
    io.stdout(text);
    return ExitCode.ok;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (load === undefined) {
    io.stderr(`outpools: unknown command ${JSON.stringify(name)}\n\n${await help()}\n`);
    return ExitCode.usage;
  }
  const command = await load();
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError || isArgError(error)) {
      io.stderr(`outpools ${name}: ${error.message}\n\n${command.usage}\n`);
      return ExitCode.usage;
    }
    throw error;
  }
}
