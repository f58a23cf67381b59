import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConfig, ConfigError, DriverRegistry, loadConfigFile, parseConfig } from '@outpools/core';
import { readToml } from '../src/config/toml.js';
import { clusterDriver, kvDriver, sqlDriver } from './config-fixtures.js';

const registry = new DriverRegistry([kvDriver, sqlDriver, clusterDriver]);
const SECRET = 'hunter2-Secret';

describe('TOML syntax', () => {
  it('reports a syntax error with file, line and column', () => {
    const result = checkConfig('[general]\nhosts = ["a" "b"]\n', { registry, source: 'pools.toml' });
    expect(result.ok).toBe(false);
    expect(result.errors).toHaveLength(1);
    expect(result.errors).toEqual([
      { path: 'pools.toml:2:14', message: 'TOML syntax error: expected comma or end of structure' },
    ]);
  });

  it.each([
    [
      'a Latin-1 byte inside a string',
      [Buffer.from('[general]\nhosts = ["caf'), Buffer.from([0xe9]), Buffer.from('"]\n')],
      '2:14',
      '0xe9',
    ],
    ['a bad byte after multi-byte characters', [Buffer.from('# h\u00e9h\u00e9 '), Buffer.from([0xff])], '1:8', '0xff'],
    ['a bad first byte', [Buffer.from([0xc0, 0x80])], '1:1', '0xc0'],
    [
      'an encoded surrogate',
      [Buffer.from('a = 1\n\nb = "'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"')],
      '3:6',
      '0xed',
    ],
    ['a truncated sequence at the end', [Buffer.from('x = "\u20ac'), Buffer.from([0xe2, 0x82])], '1:7', '0xe2'],
  ])('loadConfigFile refuses invalid UTF-8 (%s) with file, line and column', async (_what, parts, at, byte) => {
    const dir = await mkdtemp(join(tmpdir(), 'outpools-utf8-'));
    try {
      const file = join(dir, 'pools.toml');
      await writeFile(file, Buffer.concat(parts));
      const error = await loadConfigFile(file, { registry }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('OUTPOOLS_CONFIG');
      expect((error as ConfigError).issues).toEqual([
        { path: `${file}:${at}`, message: `invalid UTF-8 (byte ${byte}): a configuration file must be UTF-8` },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('loadConfigFile reads UTF-8 with a byte order mark and non-ASCII text', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'outpools-utf8-'));
    try {
      const file = join(dir, 'pools.toml');
      await writeFile(file, `\ufeff[general]\nhosts = ["caf\u00e9.example", "\u{1F600}.example"]\n`);
      expect((await loadConfigFile(file, { registry })).hosts).toEqual(['caf\u00e9.example', '\u{1F600}.example']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the input <input> when no source is given', () => {
    const result = readToml('a = ');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issue.path).toMatch(/^<input>:1:\d+$/);
  });

  it('reports a duplicate key as a syntax error at its line', () => {
    const result = checkConfig('[outgoing_pools.kv.a]\nworkers = 1\nworkers = 2\n', { registry, source: 'f.toml' });
    expect(result.errors[0]?.path).toBe('f.toml:3:1');
  });

  it('keeps integers and floats apart and leaves huge integers out of range', () => {
    const result = readToml('a = 5\nb = 5.0\nc = 99999999999999999999\n[t]\nd = [1.5]\n');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.doc.root).toMatchObject({ a: 5, b: 5, c: 99999999999999999999n });
    expect([...result.doc.floats]).toEqual(['b', 't.d[0]']);
    const big = checkConfig('[outgoing_pools.kv.a]\nworkers = 99999999999999999999\n', { registry });
    expect(big.errors[0]?.message).toBe('expected a positive integer, got 99999999999999999999 (too large)');
  });
});

describe('secrets', () => {
  const leaks = (text: string): void => expect(text).not.toContain(SECRET);

  it('never prints a password in a type error, an enum error or a length error', () => {
    const text = [
      '[outgoing_pools.kv.a.connection]',
      'password = 12345',
      '[outgoing_pools.sql.b.connection]',
      'driver = "odbc"',
      `password = ["${SECRET}"]`,
      '[outgoing_pools.cluster.c.connection]',
      `auth.plain = { username = "u", password = "" }`,
      `tls = { verify_mode = "none", password = 5 }`,
    ].join('\n');
    const result = checkConfig(text, { registry });
    expect(result.errors).toEqual([
      { path: 'outgoing_pools.kv.a.connection.password', message: 'expected a string, got "***"' },
      { path: 'outgoing_pools.sql.b.connection.password', message: 'expected a non-empty string, got "***"' },
      {
        path: 'outgoing_pools.cluster.c.connection.auth.plain.password',
        message: 'expected a non-empty string, got "***"',
      },
      { path: 'outgoing_pools.cluster.c.connection.tls.password', message: 'expected a string, got "***"' },
    ]);
  });

  it('never prints a password from a TOML syntax error on its line', () => {
    const result = checkConfig(`[outgoing_pools.kv.a.connection]\npassword = "${SECRET}\n`, { registry });
    expect(result.errors).toHaveLength(1);
    leaks(JSON.stringify(result));
  });

  it('never prints a password in a ConfigError message', () => {
    const text = `[outgoing_pools.kv.a]\nworkers = 0\n[outgoing_pools.kv.a.connection]\npassword = "${SECRET}"\npasword = "${SECRET}"\n`;
    let caught: unknown;
    try {
      parseConfig(text, { registry, source: 'x.toml' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    leaks(String((caught as Error).message));
    expect((caught as ConfigError).issues.map((i) => i.message)).toContain(
      'unknown key "pasword"; did you mean "password"?',
    );
  });
});

describe('parseConfig, checkConfig, loadConfigFile', () => {
  it('parseConfig returns the pools, hosts, host types, warnings and source', () => {
    const config = parseConfig('[general]\nhosts = ["a"]\n[outgoing_pools.kv.a]\nscope = "single_host"\nhost = "z"\n', {
      registry,
      source: 'mem.toml',
      hostTypes: ['t'],
    });
    expect(config).toMatchObject({ source: 'mem.toml', hosts: ['a'], hostTypes: ['t'] });
    expect(config.pools).toHaveLength(1);
    expect(config.warnings.map((w) => w.path)).toEqual(['outgoing_pools.kv.a.host']);
  });

  it('parseConfig throws one ConfigError listing every issue, with the file name', () => {
    expect(() =>
      parseConfig('[outgoing_pools.kv.a]\nworkers = 0\nscope = "x"\n', { registry, source: 'bad.toml' }),
    ).toThrow(
      expect.objectContaining({
        code: 'OUTPOOLS_CONFIG',
        issues: [
          expect.objectContaining({ path: 'outgoing_pools.kv.a.scope' }),
          expect.objectContaining({ path: 'outgoing_pools.kv.a.workers' }),
        ],
        message: expect.stringMatching(/^bad\.toml: invalid configuration \(2 errors\)/),
      }),
    );
  });

  it('checkConfig never throws for a bad configuration', () => {
    expect(checkConfig('[[[', { registry }).ok).toBe(false);
    expect(checkConfig('', { registry })).toMatchObject({ ok: true, errors: [], config: { pools: [] } });
  });

  it('loadConfigFile reads a file and uses its path as source', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'outpools-config-'));
    try {
      const file = join(dir, 'pools.toml');
      await writeFile(file, '[outgoing_pools.kv.a]\nworkers = 2\n');
      const config = await loadConfigFile(file, { registry });
      expect(config.source).toBe(file);
      expect(config.pools[0]?.options.workers).toBe(2);
      await writeFile(file, '[outgoing_pools.kv.a]\nworkers = 0\n');
      await expect(loadConfigFile(file, { registry })).rejects.toBeInstanceOf(ConfigError);
      await expect(loadConfigFile(join(dir, 'missing.toml'), { registry })).rejects.toMatchObject({
        issues: [{ path: join(dir, 'missing.toml'), message: 'cannot read the file (ENOENT)' }],
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
