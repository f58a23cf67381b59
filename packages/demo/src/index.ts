/**
 * `@outpools/demo`: the `outpools demo` command (the core's CLI loads this package when it is
 * installed). Real pools with nothing installed: an HTTP server and an embedded PostgreSQL
 * (PGlite) run in the process, the pools of examples/demo.toml connect to them over TCP.
 *
 * @example
 * ```ts
 * import { runDemo } from '@outpools/demo';
 * process.exitCode = await runDemo(['--duration-ms', '3000'], {
 *   stdout: (t) => process.stdout.write(t),
 *   stderr: (t) => process.stderr.write(t),
 *   cwd: process.cwd(),
 * });
 * ```
 * @module
 */
export { runDemo, USAGE } from './run.js';
export type { DemoIo, DemoOptions } from './run.js';
export type { DemoReport, PoolResult } from './report.js';
