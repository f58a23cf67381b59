/**
 * Run a TypeScript script that imports the workspace sources in a child Node process: bundled
 * (client libraries included, unless named external) with the esbuild that tsup brings, into a
 * temporary folder. The tests of the packages use it too (the core's lifecycle test, the
 * cassandra driver's child processes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Esbuild {
  build(options: Record<string, unknown>): Promise<unknown>;
}

/** How a script is bundled and where it runs. */
export interface BundleOptions {
  /**
   * The workspace packages (folders under packages/) the script imports besides `core` and
   * `testing`: `@outpools/<name>` is bundled from its sources, its node_modules are searched.
   */
  readonly packages?: readonly string[];
  /** Modules left out of the bundle: the child loads them from the folder the bundle is in (see `under`). */
  readonly external?: readonly string[];
  /** Where the temporary folder of the bundle is made, and where the child runs; the system's temporary folder by default. */
  readonly under?: string;
  /** Define `require` in the bundle (CommonJS dependencies such as ioredis require Node built-ins). */
  readonly requireShim?: boolean;
}

/** Bundle `source` into `dir` (written there as `entry.ts`); resolves with the bundle's path. */
export async function bundleScript(source: string, dir: string, options: BundleOptions = {}): Promise<string> {
  const require = createRequire(import.meta.url);
  const esbuild = createRequire(require.resolve('tsup', { paths: [root] }))('esbuild') as Esbuild;
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, source);
  const out = join(dir, 'entry.mjs');
  const packages = ['core', 'testing', ...(options.packages ?? [])];
  await esbuild.build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
    external: [...(options.external ?? [])],
    ...(options.requireShim === true && {
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    }),
    alias: {
      '@outpools/core/driver': join(root, 'packages/core/src/driver/index.ts'),
      ...Object.fromEntries(packages.map((p) => [`@outpools/${p}`, join(root, 'packages', p, 'src/index.ts')])),
    },
    nodePaths: [...packages.map((p) => join(root, 'packages', p, 'node_modules')), join(root, 'node_modules')],
  });
  return out;
}

/** A running child: its stdout lines, its stderr and its exit. */
export interface BundledChild {
  readonly process: ChildProcess;
  /** Every stdout line so far. */
  readonly lines: string[];
  /** stderr so far. */
  stderr(): string;
  /**
   * The first stdout line, after the `from`-th, that starts with `prefix` (at once if already seen);
   * rejects when the child ends without it or after `timeoutMs`.
   */
  line(prefix: string, timeoutMs: number, from?: number): Promise<string>;
  /** Resolves with the exit code, or rejects when the child is still running after `timeoutMs` (it is then killed). */
  exited(timeoutMs: number): Promise<number | null>;
  /** Kill it if it still runs, remove the bundle. */
  dispose(): void;
}

/** Bundle `source` and start it with `args`. */
export async function startBundledChild(
  source: string,
  args: readonly string[] = [],
  options: BundleOptions = {},
): Promise<BundledChild> {
  const dir = mkdtempSync(
    join(options.under ?? tmpdir(), options.under === undefined ? 'outpools-child-' : '.tmp-child-'),
  );
  const out = await bundleScript(source, dir, options);
  const child = spawn(process.execPath, [out, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.under !== undefined && { cwd: options.under }),
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const wakeAll = (): void => {
    for (const wake of waiters) wake();
  };
  let err = '';
  let closed = false;
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    wakeAll();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    err += chunk;
  });
  // 'close' comes after the exit and the last stdout line: a line not seen by then never comes,
  // and every line is in `lines` when `exited` resolves.
  const exit = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      closed = true;
      wakeAll();
      resolve(code);
    }),
  );
  const output = (): string => `stdout: ${lines.join('\n')}; stderr: ${err}`;
  return {
    process: child,
    lines,
    stderr: () => err,
    line(prefix, timeoutMs, from = 0) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no line starting with ${prefix} within ${timeoutMs} ms; ${output()}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        const check = (): void => {
          const found = lines.slice(from).find((l) => l.startsWith(prefix));
          if (found !== undefined) {
            cleanup();
            resolve(found);
          } else if (closed) {
            cleanup();
            reject(
              new Error(`the child exited (${child.exitCode}) before a line starting with ${prefix}; ${output()}`),
            );
          }
        };
        waiters.add(check);
        check();
      });
    },
    exited(timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`the child did not exit by itself within ${timeoutMs} ms; ${output()}`));
        }, timeoutMs);
        void exit.then((code) => {
          clearTimeout(timer);
          resolve(code);
        });
      });
    },
    dispose() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
