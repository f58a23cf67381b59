/**
 * `outpools demo`: real pools with nothing installed. The demo itself lives in the
 * `@outpools/demo` package (it needs drivers, client libraries and an embedded PostgreSQL, which
 * the core never imports); this command finds that package from the working directory or next to
 * the core, loads it, and runs it. Without it, one line says how to get it.
 * @module
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type CliCommand, type CliIo, ExitCode } from '../io.js';

/** The package that provides the demo. */
export const DEMO_PACKAGE = '@outpools/demo';

/** What `@outpools/demo` exports for this command. */
interface DemoModule {
  runDemo(args: readonly string[], io: CliIo): Promise<number>;
}

const usage = `Usage: outpools demo [--with-local] [--duration-ms N] [--config file] [--local-config file]

Run real pools against an HTTP server and an embedded PostgreSQL started in this process
(needs the ${DEMO_PACKAGE} package; \`outpools demo --help\` lists its options once installed).`;

function here(): string {
  const url = (import.meta as { url?: string }).url;
  if (typeof url === 'string') return url;
  return pathToFileURL(typeof __filename === 'string' ? __filename : join(process.cwd(), 'index.js')).href;
}

/**
 * Find and load the demo package: from `cwd` first, then from the core's own location;
 * `undefined` when it is not installed.
 */
export async function loadDemo(cwd: string, name = DEMO_PACKAGE): Promise<DemoModule | undefined> {
  for (const base of [pathToFileURL(join(cwd, 'noop.js')).href, here()]) {
    let resolved: string;
    try {
      resolved = createRequire(base).resolve(name);
    } catch {
      continue;
    }
    const module = (await import(pathToFileURL(resolved).href)) as Partial<DemoModule>;
    if (typeof module.runDemo !== 'function') throw new Error(`${name} has no runDemo export`);
    return module as DemoModule;
  }
  return undefined;
}

/** Run the demo package `name` with the arguments; exit status 1 with one line when it is missing. */
export async function runDemoPackage(args: readonly string[], io: CliIo, name = DEMO_PACKAGE): Promise<number> {
  const demo = await loadDemo(io.cwd, name);
  if (demo === undefined) {
    io.stderr(
      `outpools demo: the demo is in the ${name} package, which is not installed here; ` +
        `install it next to @outpools/core (npm install ${name}) and run \`outpools demo\` again\n`,
    );
    return ExitCode.invalid;
  }
  return demo.runDemo(args, io);
}

const run = (args: readonly string[], io: CliIo): Promise<number> => runDemoPackage(args, io);

/** `outpools demo`. */
export const command: CliCommand = {
  summary: 'run real pools against servers started in this process (needs @outpools/demo)',
  usage,
  run,
};
