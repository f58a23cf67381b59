/**
 * The `outpools` command table: one line per command, loaded only when it runs.
 * To add a command, write `cli/commands/<name>.ts` exporting `command: CliCommand` and add a line.
 * @module
 */
import type { CliCommand } from './io.js';

/** Every `outpools` command by name. */
export const COMMANDS: Readonly<Record<string, () => Promise<CliCommand>>> = {
  check: async () => (await import('./commands/check.js')).command,
  schema: async () => (await import('./commands/schema.js')).command,
  status: async () => (await import('./commands/status.js')).command,
  bench: async () => (await import('./commands/bench.js')).command,
  demo: async () => (await import('./commands/demo.js')).command,
  completion: async () => (await import('./commands/completion.js')).command,
};
