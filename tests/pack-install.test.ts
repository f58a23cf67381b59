// Every package as a user gets it: `pnpm pack` each one, install the tarballs into a scratch app
// with pnpm and with npm (the drivers find the local core through their peer dependency; no
// registry lookup of @outpools/core), then import (ESM) and require (CJS) each package and
// type-check a small strict program. Runs on the built packages (the test command builds first).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'outpools-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const dirs = [
  ...readdirSync(join(root, 'packages')).map((d) => join(root, 'packages', d)),
  join(root, 'examples', 'outpools-driver-echo'),
].filter((d) => existsSync(join(d, 'package.json')));
const names = [
  '@outpools/core',
  ...readdirSync(join(root, 'packages'))
    .filter((d) => d.startsWith('driver-'))
    .map((d) => `@outpools/${d}`),
  '@outpools/testing',
  'outpools-driver-echo',
];

const PROGRAM = `import { createPools, DriverRegistry, parseConfig, type LoadedConfig } from '@outpools/core';
import { defineDriver, Type } from '@outpools/core/driver';
import { redisDriver } from '@outpools/driver-redis';
import { rdbmsDriver } from '@outpools/driver-rdbms';
import { httpDriver } from '@outpools/driver-http';
import { echoDriver } from 'outpools-driver-echo';
import { createFakeDriver } from '@outpools/testing';

const registry = new DriverRegistry([redisDriver, rdbmsDriver, httpDriver, echoDriver]);
const config: LoadedConfig = parseConfig('[outgoing_pools.redis.default]\\nworkers = 2\\n', { registry });
const pools = createPools(config, { registry });
const redis = pools.get(redisDriver, 'global', 'default');
const value: Promise<string | null> = redis.get('k');
const own = defineDriver({
  type: 'own',
  connectionSchema: Type.Object({ host: Type.String({ default: '127.0.0.1' }) }),
  connect: async (options) => ({ host: options.host }),
  close: async () => undefined,
  ping: async () => 'pong',
  client: (pool) => ({ host: () => pool.run((c) => c.host) }),
});
export { value, own, createFakeDriver };
`;

async function packAll(into: string): Promise<Map<string, string>> {
  mkdirSync(into, { recursive: true });
  await Promise.all(dirs.map((d) => exec('pnpm', ['pack', '--pack-destination', into], { cwd: d, timeout: 60_000 })));
  const tarballs = new Map<string, string>();
  for (const file of readdirSync(into)) {
    const name = names.find((n) => file === `${n.replace('@', '').replace('/', '-')}-0.1.0.tgz`);
    if (name !== undefined) tarballs.set(name, join(into, file));
  }
  return tarballs;
}

function app(dir: string, tarballs: Map<string, string>): void {
  mkdirSync(dir, { recursive: true });
  const dependencies = Object.fromEntries([...tarballs].map(([name, path]) => [name, `file:${path}`]));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'scratch-app',
      private: true,
      type: 'module',
      dependencies: { ...dependencies, pg: '8.23.1' },
    }),
  );
  writeFileSync(join(dir, 'program.ts'), PROGRAM);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        skipLibCheck: false,
        typeRoots: [join(root, 'node_modules', '@types')],
        types: ['node'],
      },
      files: ['program.ts'],
    }),
  );
}

async function verify(dir: string): Promise<void> {
  for (const name of names) {
    const esm = await exec(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(name)}); console.log(Object.keys(m).length);`,
      ],
      { cwd: dir, timeout: 30_000 },
    );
    expect(Number(esm.stdout), `${name} (ESM)`).toBeGreaterThan(0);
    // @outpools/testing runs on vitest, which is ESM-only: its CJS entry cannot load it (checked below).
    if (name === '@outpools/testing') continue;
    const cjs = await exec(
      process.execPath,
      ['-e', `console.log(Object.keys(require(${JSON.stringify(name)})).length)`],
      {
        cwd: dir,
        timeout: 30_000,
      },
    );
    expect(Number(cjs.stdout), `${name} (CJS)`).toBeGreaterThan(0);
  }
  const testingCjs = await exec(process.execPath, ['-e', 'require("@outpools/testing")'], { cwd: dir }).catch(
    (error: { stderr?: string }) => ({ stderr: String(error.stderr) }),
  );
  expect(testingCjs.stderr).toMatch(/Vitest cannot be imported in a CommonJS module|Cannot find module 'vitest'/);
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const checked = await exec(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir, timeout: 90_000 }).catch(
    (error: { stdout?: string }) => ({ stdout: `tsc failed:\n${error.stdout}` }),
  );
  expect(checked.stdout).toBe('');
  const version = await exec(
    process.execPath,
    [join(dir, 'node_modules', '@outpools', 'core', 'bin', 'outpools.js'), '--version'],
    {
      cwd: dir,
    },
  );
  expect(version.stdout).toBe('0.1.0\n');
}

describe('the packed packages, installed from their tarballs', () => {
  it('install with pnpm and npm, import as ESM and CJS, and type-check', { timeout: 240_000 }, async () => {
    const tarballs = await packAll(join(work, 'tarballs'));
    expect([...tarballs.keys()].sort()).toEqual([...names].sort());
    const pnpmApp = join(work, 'pnpm-app');
    const npmApp = join(work, 'npm-app');
    app(pnpmApp, tarballs);
    app(npmApp, tarballs);
    await Promise.all([
      exec('pnpm', ['install', '--prefer-offline', '--config.engine-strict=false'], { cwd: pnpmApp, timeout: 180_000 }),
      exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: npmApp, timeout: 180_000 }),
    ]);
    await verify(pnpmApp);
    await verify(npmApp);
  });
});
