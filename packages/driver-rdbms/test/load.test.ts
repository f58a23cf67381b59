import { describe, expect, it } from 'vitest';
import { ClientLibraryMissingError } from '@outpools/driver-rdbms';
import { importOptional, loadMysql2, loadOdbc, loadPg } from '../src/load.js';

describe('client libraries are loaded lazily', () => {
  it('turns a missing library into an error naming the package to install', async () => {
    const missing = Object.assign(new Error("Cannot find package 'pg'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const error = await importOptional(() => Promise.reject(missing), 'pg', 'pgsql').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientLibraryMissingError);
    expect((error as ClientLibraryMissingError).packageName).toBe('pg');
    expect((error as Error).message).toContain('driver = "pgsql" needs the npm package "pg"');
    expect((error as Error).message).toContain('npm install pg');
    expect((error as Error).cause).toBe(missing);
  });

  it('unwraps the CommonJS default export', async () => {
    const lib = { connect: () => 'ok' };
    expect(await importOptional(() => Promise.resolve({ default: lib }), 'x', 'odbc')).toBe(lib);
    expect(await importOptional(() => Promise.resolve(lib), 'x', 'odbc')).toBe(lib);
  });

  it('loads each installed library once', async () => {
    expect(typeof (await loadPg()).Client).toBe('function');
    expect(await loadPg()).toBe(await loadPg());
    expect(typeof (await loadMysql2()).createConnection).toBe('function');
    expect(typeof (await loadOdbc()).connect).toBe('function');
  });
});
