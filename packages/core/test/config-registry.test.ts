import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriverRegistry, loadDrivers, PoolTypeNotRegisteredError, DriverRegistrationError } from '@outpools/core';
import { driversOf } from '../src/driver/loader.js';
import { isPoolDriver } from '../src/driver/registry.js';
import { kvDriver, sqlDriver } from './config-fixtures.js';

const here = fileURLToPath(new URL('.', import.meta.url));

describe('DriverRegistry', () => {
  it('registers drivers from the constructor and by register(), in order', () => {
    const registry = new DriverRegistry([kvDriver]).register(sqlDriver);
    expect(registry.types()).toEqual(['kv', 'sql']);
    expect(registry.has('sql')).toBe(true);
    expect(registry.get('kv')).toBe(kvDriver);
  });

  it('refuses a second driver for the same type', () => {
    expect(() => new DriverRegistry([kvDriver, { ...kvDriver }])).toThrow(
      'a driver for pool type "kv" is already registered',
    );
    expect(() => new DriverRegistry([kvDriver, { ...kvDriver }])).toThrow(DriverRegistrationError);
  });

  it('refuses something that is not a driver', () => {
    expect(() => new DriverRegistry().register({ type: 'x' } as never)).toThrow(DriverRegistrationError);
    expect(() => new DriverRegistry().register({ type: 'x' } as never)).toThrow(
      expect.objectContaining({ code: 'OUTPOOLS_DRIVER_REGISTRATION' }),
    );
  });

  it('get() of an unknown type throws PoolTypeNotRegisteredError naming the package', () => {
    const registry = new DriverRegistry();
    expect(() => registry.get('redis')).toThrow(PoolTypeNotRegisteredError);
    expect(() => registry.get('redis')).toThrow(/install @outpools\/driver-redis/);
    expect(registry.has('redis')).toBe(false);
  });

  it('is an object per host: two registries do not share drivers', () => {
    const a = new DriverRegistry([kvDriver]);
    const b = new DriverRegistry();
    expect([a.has('kv'), b.has('kv')]).toEqual([true, false]);
  });
});

describe('recognising drivers structurally', () => {
  it('accepts an object with a string type, a connectionSchema and connect', () => {
    expect(isPoolDriver(kvDriver)).toBe(true);
    expect(isPoolDriver({ type: '', connectionSchema: {}, connect() {} })).toBe(false);
    expect(isPoolDriver({ type: 'x', connectionSchema: {} })).toBe(false);
    expect(isPoolDriver(null)).toBe(false);
  });

  it('finds drivers in named exports, a default export, and a default object of drivers', () => {
    expect(driversOf({ kvDriver, other: 1 })).toEqual([kvDriver]);
    expect(driversOf({ default: sqlDriver })).toEqual([sqlDriver]);
    expect(driversOf({ default: { kvDriver, sqlDriver } })).toEqual([kvDriver, sqlDriver]);
  });
});

describe('loadDrivers', () => {
  let cwd: string;
  const pkg = async (name: string, body: string): Promise<void> => {
    const dir = join(cwd, 'node_modules', '@outpools', name);
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({
        name: `@outpools/${name}`,
        type: 'module',
        exports: { '.': { import: './index.js' }, './package.json': './package.json' },
      }),
    );
    await writeFile(join(dir, 'index.js'), body);
  };

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'outpools-registry-'));
    const driver = (type: string): string =>
      `export const ${type}Driver = { type: '${type}', connectionSchema: { type: 'object', properties: {}, additionalProperties: false }, connect: async () => ({}) };\n`;
    await pkg('driver-alpha', driver('alpha'));
    await pkg('driver-empty', 'export const nothing = 1;\n');
    await pkg('driver-broken', "throw new Error('boom at import');\n");
    await writeFile(join(cwd, 'empty-plugin.mjs'), 'export default 42;\n');
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('finds a pool type by its package name, resolved from the working directory', async () => {
    const { registry, missing, failures } = await loadDrivers(['alpha'], { cwd });
    expect(registry.types()).toEqual(['alpha']);
    expect([missing, failures]).toEqual([[], []]);
  });

  it('reports a type whose package is not installed as missing', async () => {
    const { registry, missing } = await loadDrivers(['zeta'], { cwd });
    expect(missing).toEqual(['zeta']);
    expect(registry.types()).toEqual([]);
  });

  it('reports a package that holds no driver for its type, or fails to load', async () => {
    const { failures } = await loadDrivers(['empty', 'broken'], { cwd });
    expect(failures).toEqual([
      {
        specifier: '@outpools/driver-empty',
        type: 'empty',
        message: '@outpools/driver-empty exports no driver for pool type "empty"',
      },
      {
        specifier: '@outpools/driver-broken',
        type: 'broken',
        message: 'cannot load @outpools/driver-broken: boom at import',
      },
    ]);
  });

  it('loads every driver of a plugin file, before looking for packages', async () => {
    const plugin = join(here, 'cli-fake-drivers.mjs');
    const registry = new DriverRegistry();
    const { missing } = await loadDrivers(['kv', 'sql', 'alpha'], { cwd, plugins: [plugin], registry });
    expect(registry.types().sort()).toEqual(['alpha', 'kv', 'sql']);
    expect(missing).toEqual([]);
  });

  it('loads a plugin given by package name, and skips types already registered', async () => {
    const registry = new DriverRegistry([kvDriver]);
    await loadDrivers(['kv'], { cwd, plugins: ['@outpools/driver-alpha'], registry });
    expect(registry.types()).toEqual(['kv', 'alpha']);
    expect(registry.get('kv')).toBe(kvDriver);
  });

  it('reports a plugin that cannot be found, or exports no driver', async () => {
    const { failures } = await loadDrivers([], {
      cwd,
      plugins: ['./nope.mjs', './empty-plugin.mjs', 'no-such-package-xyz'],
    });
    expect(failures.map((f) => f.message)).toEqual([
      expect.stringMatching(/^cannot load plugin \.\/nope\.mjs: /),
      'plugin ./empty-plugin.mjs exports no pool driver',
      'cannot find plugin no-such-package-xyz',
    ]);
  });
});
