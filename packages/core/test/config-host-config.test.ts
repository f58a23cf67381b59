// [[host_config]] sections with outgoing_pools, as MongooseIM accepts them: a pool there exists
// for that section's host type only, and is found for that host before a global pool.
import { describe, expect, it } from 'vitest';
import { checkConfig, createPools, DriverRegistry, parseConfig, type CheckResult } from '@outpools/core';
import { createFakeDriver } from '@outpools/testing';
import { expandPools, poolKeyId, resolvePool } from '../src/config/scope.js';
import { formatPool, instancesOf } from '../src/cli/format.js';
import { kvDriver, sqlDriver } from './config-fixtures.js';

const registry = new DriverRegistry([kvDriver, sqlDriver]);
const check = (text: string): CheckResult => checkConfig(text, { registry });
const messageAt = (result: CheckResult, path: string): string | undefined =>
  result.errors.find((e) => e.path === path)?.message;

const file = `
[general]
hosts = ["localhost", "anonymous.localhost"]
host_types = ["type1"]

[outgoing_pools.kv.default]
workers = 3

[outgoing_pools.kv.cache]
scope = "host_type"

[[host_config]]
host = "localhost"
[host_config.outgoing_pools.kv.global_distrib]
workers = 10

[[host_config]]
host_type = "type1"
[host_config.auth]
methods = ["rdbms"]
[host_config.outgoing_pools.kv.default.connection]
database = 2
[host_config.outgoing_pools.kv.cache.connection]
port = 6380
`;

describe('[[host_config]] outgoing_pools', () => {
  it('accepts MongooseIM sections (host or host_type; other keys ignored) and binds each pool to its host', () => {
    const result = check(file);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    const pools = result.config?.pools ?? [];
    const byPath = new Map(pools.map((p) => [p.path, p]));
    const distrib = byPath.get('host_config[0].outgoing_pools.kv.global_distrib');
    expect(distrib?.hostConfig).toBe('localhost');
    expect(distrib?.options).toEqual({
      scope: 'single_host',
      host: 'localhost',
      strategy: 'best_worker',
      workers: 10,
      call_timeout: 5000,
    });
    expect(byPath.get('host_config[1].outgoing_pools.kv.default')?.connection.database).toBe(2);
  });

  it('starts a host_config pool for its host only, and it replaces a host-scope pool there', () => {
    const config = check(file).config!;
    const hosts = [...config.hosts, ...config.hostTypes];
    const keys = expandPools(config.pools, hosts).map((i) => `${i.key.type}.${i.key.tag}@${i.key.host}:${i.path}`);
    expect(keys.sort()).toEqual(
      [
        'kv.default@global:outgoing_pools.kv.default',
        'kv.cache@localhost:outgoing_pools.kv.cache',
        'kv.cache@anonymous.localhost:outgoing_pools.kv.cache',
        'kv.cache@type1:host_config[1].outgoing_pools.kv.cache',
        'kv.global_distrib@localhost:host_config[0].outgoing_pools.kv.global_distrib',
        'kv.default@type1:host_config[1].outgoing_pools.kv.default',
      ].sort(),
    );
    const cache = config.pools.find((p) => p.path === 'outgoing_pools.kv.cache')!;
    expect(instancesOf(cache, config)).toEqual(['localhost', 'anonymous.localhost']);
  });

  it('finds the host_config pool for its host before the global pool of the same type and tag', () => {
    const config = check(file).config!;
    const instances = new Map(
      expandPools(config.pools, [...config.hosts, ...config.hostTypes]).map((i) => [poolKeyId(i.key), i]),
    );
    const lookup = (host: string, tag: string): string =>
      resolvePool((id) => instances.get(id), { type: 'kv', host, tag }).path;
    expect(lookup('type1', 'default')).toBe('host_config[1].outgoing_pools.kv.default');
    expect(lookup('localhost', 'default')).toBe('outgoing_pools.kv.default');
    expect(lookup('global', 'default')).toBe('outgoing_pools.kv.default');
    expect(() => lookup('anonymous.localhost', 'global_distrib')).toThrow(/kv\.global_distrib@global/);
  });

  it('refuses scope and host inside host_config, naming the TOML path, and still reports the other errors', () => {
    const result = check(`
[[host_config]]
host_type = "t"
[host_config.outgoing_pools.kv.default]
scope = "global"
host = "t"
workers = 0
`);
    expect(messageAt(result, 'host_config[0].outgoing_pools.kv.default.scope')).toMatch(
      /^not allowed in a \[\[host_config\]\] section: this pool exists for that section's host "t" only/,
    );
    expect(messageAt(result, 'host_config[0].outgoing_pools.kv.default.host')).toMatch(/not allowed/);
    expect(messageAt(result, 'host_config[0].outgoing_pools.kv.default.workers')).toBe(
      'expected a positive integer, got 0',
    );
    expect(result.ok).toBe(false);
  });

  it('names host_config paths in every error: unknown keys, types, connection options, pool types', () => {
    const result = check(`
[[host_config]]
host_type = "a"
[[host_config]]
host_type = "b"
[host_config.outgoing_pools.sql.default]
workers = "5"
wrokers = 5
[host_config.outgoing_pools.sql.default.connection]
driver = "psgql"
[host_config.outgoing_pools.nosuch.x]
`);
    const paths = result.errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'host_config[1].outgoing_pools.sql.default.workers',
        'host_config[1].outgoing_pools.sql.default.wrokers',
        'host_config[1].outgoing_pools.sql.default.connection.driver',
        'host_config[1].outgoing_pools.nosuch',
      ]),
    );
    expect(messageAt(result, 'host_config[1].outgoing_pools.sql.default.wrokers')).toMatch(/did you mean "workers"/);
  });

  it('requires a host type, refuses an empty one, and refuses a host_config that is not an array of tables', () => {
    const missing = check('[[host_config]]\n[host_config.outgoing_pools.kv.default]\n');
    expect(messageAt(missing, 'host_config[0]')).toMatch(/^missing required key: host_type \(or host\)/);
    expect(messageAt(check('[[host_config]]\nhost_type = ""\n'), 'host_config[0].host_type')).toBe(
      'expected a non-empty string (a host type), got ""',
    );
    expect(messageAt(check('[host_config]\nhost = "a"\n'), 'host_config')).toBe(
      'expected an array of tables ([[host_config]] sections)',
    );
  });

  it('warns (and starts the pool anyway) when the host is not configured', () => {
    const result = check('[[host_config]]\nhost = "elsewhere"\n[host_config.outgoing_pools.kv.default]\n');
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([
      {
        path: 'host_config[0].host',
        message:
          '"elsewhere" is not one of the configured hosts or host types (none configured); its pools start anyway',
      },
    ]);
  });

  it('refuses a host_config pool that collides with a single_host pool or another host_config pool', () => {
    const result = check(`
[general]
hosts = ["a"]
[outgoing_pools.kv.x]
scope = "single_host"
host = "a"
[[host_config]]
host = "a"
[host_config.outgoing_pools.kv.x]
[[host_config]]
host_type = "a"
[host_config.outgoing_pools.kv.x]
`);
    expect(result.errors.map((e) => e.message)).toEqual([
      'pool kv.x@a is defined twice: by outgoing_pools.kv.x and by host_config[0].outgoing_pools.kv.x',
      'pool kv.x@a is defined twice: by outgoing_pools.kv.x and by host_config[1].outgoing_pools.kv.x',
    ]);
  });

  it('prints a host_config pool as a [[host_config]] section', () => {
    const config = check(file).config!;
    const pool = config.pools.find((p) => p.tag === 'global_distrib')!;
    expect(formatPool(pool, config)).toBe(
      [
        '# kv.global_distrib: instances localhost',
        '[[host_config]]',
        'host_type = "localhost"',
        '[host_config.outgoing_pools.kv.global_distrib]',
        'strategy = "best_worker"',
        'workers = 10',
        'call_timeout = 5000',
        '[host_config.outgoing_pools.kv.global_distrib.connection]',
        'host = "127.0.0.1"',
        'port = 6379',
        'database = 0',
        'password = ""',
      ].join('\n'),
    );
  });

  it('gives a started pool set the host_config instance for its host, the global one for other hosts', async () => {
    const fake = createFakeDriver();
    const fakeRegistry = new DriverRegistry([fake.driver]);
    const text = `
[general]
hosts = ["a.com", "b.com"]
[outgoing_pools.fake.default]
workers = 1
connection.label = "global"
[[host_config]]
host_type = "a.com"
[host_config.outgoing_pools.fake.default]
workers = 2
connection.label = "a.com"
`;
    const pools = createPools(parseConfig(text, { registry: fakeRegistry }), { registry: fakeRegistry });
    try {
      expect((await pools.start()).instances.map((i) => [i.key.host, i.live])).toEqual([
        ['global', 1],
        ['a.com', 2],
      ]);
      await pools.get(fake.driver, 'a.com', 'default').call('x');
      await pools.get(fake.driver, 'b.com', 'default').call('y');
      await pools.get(fake.driver, 'b.com', 'default').call('z');
      expect(pools.stats().map((st) => [st.key.host, st.counters.calls])).toEqual([
        ['global', 2],
        ['a.com', 1],
      ]);
      expect(pools.pool('fake', 'a.com', 'default').key.host).toBe('a.com');
      expect(pools.pool('fake', 'b.com', 'default').key.host).toBe('global');
    } finally {
      await pools.stop();
    }
  });
});
