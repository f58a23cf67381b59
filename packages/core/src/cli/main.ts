/**
 * The `outpools` command: dispatches `outpools <command> ...` through {@link COMMANDS}.
 * @module
 */
import { COMMANDS } from './commands.js';
import { type CliIo, CommandFailure, ExitCode, processIo, UsageError } from './io.js';
import { coreVersion } from './version.js';

export type { CliCommand, CliIo } from './io.js';
export { CommandFailure, ExitCode, UsageError } from './io.js';

async function help(): Promise<string> {
  const lines = ['Usage: outpools <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${(await load()).summary}`);
  lines.push(
    '',
    'Options:',
    '  --version  print the version of @outpools/core',
    '  --help     print this list',
    '',
    'Run `outpools <command> --help` for the options of a command.',
  );
  return lines.join('\n');
}

/**
 * Run the `outpools` command line; resolves to the exit status (0 ok, 1 invalid configuration,
 * 2 usage error or a file that cannot be read). `outpools --version` prints the core's version. Expected errors are printed as one line, never as a stack trace.
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
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout(`${coreVersion()}\n`);
    return ExitCode.ok;
  }
  if (name.startsWith('-')) {
    io.stderr(`outpools: unknown option ${name}; a command comes first\n\n${await help()}\n`);
    return ExitCode.usage;
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
    if (error instanceof UsageError) {
      io.stderr(`outpools ${name}: ${error.message}\n\n${command.usage}\n`);
      return ExitCode.usage;
    }
    if (error instanceof CommandFailure) {
      io.stderr(`outpools ${name}: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
