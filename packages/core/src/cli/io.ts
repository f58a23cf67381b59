/**
 * What every `outpools` command shares: its output streams, the usage error, the command shape.
 * @module
 */

/** Where a command writes, and where it runs. Tests pass their own to capture the output. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The working directory (relative paths and driver packages resolve from here). */
  readonly cwd: string;
  /** Whether stderr is a terminal: progress lines are drawn only then. */
  readonly tty?: boolean;
}

/** The process's own streams and working directory. */
export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    cwd: process.cwd(),
    tty: process.stderr.isTTY === true,
  };
}

/** A command line that cannot be run as given: exit status 2, the message and where to find the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A command that cannot go on (a file it cannot read): one line, no usage, this exit status. */
export class CommandFailure extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'CommandFailure';
    this.exitCode = exitCode;
  }
}

/** One `outpools <name>` command. */
export interface CliCommand {
  /** One line for `outpools --help`. */
  readonly summary: string;
  /** The usage text of `outpools <name> --help`. */
  readonly usage: string;
  /** Its options (for shell completion); the file commands also take a `<file>`. */
  readonly options?: Readonly<Record<string, { readonly type: 'string' | 'boolean'; readonly short?: string }>>;
  /** Whether it takes a configuration file as its argument (for shell completion). */
  readonly takesFile?: boolean;
  /** Run with the arguments after the command name; resolve to the exit status. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** Exit statuses of the `outpools` command. */
export const ExitCode = { ok: 0, invalid: 1, usage: 2 } as const;
