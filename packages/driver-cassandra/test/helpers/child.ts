/**
 * A child Node process running a bundled TypeScript script (esbuild, as tsup brings it), whose
 * stdout lines the test can wait for. The bundle is written under the package directory so that
 * the external `cassandra-driver` resolves from its node_modules.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const pkg = fileURLToPath(new URL('../..', import.meta.url));

interface Esbuild {
  build(options: Record<string, unknown>): Promise<unknown>;
}

/** A running child: its output lines and its exit. */
export interface Child {
  readonly process: ChildProcess;
  /** Every stdout line so far. */
  readonly lines: string[];
  /** stderr so far. */
  stderr(): string;
  /** Resolves with the first stdout line that starts with `prefix` (at once if already seen). */
  line(prefix: string, timeoutMs: number): Promise<string>;
  /** Resolves with the exit code, or rejects when the child is still running after `timeoutMs` (it is then killed). */
  exited(timeoutMs: number): Promise<number | null>;
  /** Kill the child if it runs and remove the bundle. */
  dispose(): void;
}

/** Bundle `source` (TypeScript importing the workspace sources) and run it with Node. */
export async function startChild(source: string): Promise<Child> {
  const require = createRequire(import.meta.url);
  const esbuild = createRequire(require.resolve('tsup', { paths: [root] }))('esbuild') as Esbuild;
  const dir = mkdtempSync(join(pkg, '.tmp-child-'));
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, source);
  const out = join(dir, 'entry.mjs');
  await esbuild.build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
    external: ['cassandra-driver'],
    alias: {
      '@outpools/core/driver': join(root, 'packages/core/src/driver/index.ts'),
      '@outpools/core': join(root, 'packages/core/src/index.ts'),
      '@outpools/testing': join(root, 'packages/testing/src/index.ts'),
      '@outpools/driver-cassandra': join(root, 'packages/driver-cassandra/src/index.ts'),
    },
    nodePaths: [
      join(root, 'packages/core/node_modules'),
      join(root, 'packages/testing/node_modules'),
      join(root, 'node_modules'),
    ],
  });
  const child = spawn(process.execPath, [out], { stdio: ['ignore', 'pipe', 'pipe'], cwd: pkg });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  let stderr = '';
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters.splice(0)) w();
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let exitCode: number | null | undefined;
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      resolve(code);
      for (const w of waiters.splice(0)) w();
    }),
  );
  const describeOutput = (): string => `stdout: ${lines.join(' | ')}; stderr: ${stderr}`;
  return {
    process: child,
    lines,
    stderr: () => stderr,
    line(prefix, timeoutMs) {
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no "${prefix}" line within ${timeoutMs} ms; ${describeOutput()}`)),
          timeoutMs,
        );
        const check = (): void => {
          const found = lines.find((l) => l.startsWith(prefix));
          if (found !== undefined) {
            clearTimeout(timer);
            resolve(found);
          } else if (exitCode !== undefined) {
            clearTimeout(timer);
            reject(new Error(`the child exited (${exitCode}) before "${prefix}"; ${describeOutput()}`));
          } else waiters.push(check);
        };
        check();
      });
    },
    exited(timeoutMs) {
      return new Promise<number | null>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`the child did not exit by itself within ${timeoutMs} ms; ${describeOutput()}`));
        }, timeoutMs);
        void exit.then((code) => {
          clearTimeout(timer);
          resolve(code);
        });
      });
    },
    dispose() {
      if (exitCode === undefined) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
