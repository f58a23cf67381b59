/**
 * Run a TypeScript script that imports the workspace sources in a child Node process: bundled
 * whole (client libraries included) with the esbuild that tsup brings, into a temporary folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Esbuild {
  build(options: Record<string, unknown>): Promise<unknown>;
}

/** A running child: its stdout lines, its stderr and its exit. */
export interface BundledChild {
  readonly process: ChildProcess;
  readonly lines: string[];
  stderr(): string;
  /** The first stdout line, after the `from`-th, that starts with `prefix`. */
  line(prefix: string, timeoutMs: number, from?: number): Promise<string>;
  exited(timeoutMs: number): Promise<number | null>;
  /** Kill it if it still runs, remove the bundle. */
  dispose(): void;
}

/** Bundle `source` and start it with `args`. */
export async function startBundledChild(source: string, args: readonly string[] = []): Promise<BundledChild> {
  const require = createRequire(import.meta.url);
  const esbuild = createRequire(require.resolve('tsup', { paths: [root] }))('esbuild') as Esbuild;
  const dir = mkdtempSync(join(tmpdir(), 'outpools-child-'));
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, source);
  const out = join(dir, 'entry.mjs');
  const packages = ['core', 'testing', 'driver-redis', 'driver-rdbms'];
  await esbuild.build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
    // CommonJS dependencies (ioredis) require Node built-ins.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    alias: {
      '@outpools/core/driver': join(root, 'packages/core/src/driver/index.ts'),
      '@outpools/core': join(root, 'packages/core/src/index.ts'),
      '@outpools/testing': join(root, 'packages/testing/src/index.ts'),
      '@outpools/driver-redis': join(root, 'packages/driver-redis/src/index.ts'),
    },
    nodePaths: [...packages.map((p) => join(root, 'packages', p, 'node_modules')), join(root, 'node_modules')],
  });
  const child = spawn(process.execPath, [out, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let err = '';
  let buffer = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      lines.push(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
    }
    for (const wake of waiters) wake();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    err += chunk;
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    process: child,
    lines,
    stderr: () => err,
    line(prefix, timeoutMs, from = 0) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = lines.slice(from).find((l) => l.startsWith(prefix));
          if (found === undefined) return false;
          cleanup();
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `no line starting with ${prefix} within ${timeoutMs} ms; stdout: ${lines.join('\n')}; stderr: ${err}`,
            ),
          );
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        const wake = (): void => void check();
        waiters.add(wake);
        check();
      });
    },
    exited(timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`child still running after ${timeoutMs} ms; stderr: ${err}`));
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
