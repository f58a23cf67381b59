import { describe, expect, it } from 'vitest';
import { checkConfig, DriverRegistry, type CheckResult } from '@outpools/core';
import { clusterDriver, kvDriver, sqlDriver } from './config-fixtures.js';

const registry = new DriverRegistry([kvDriver, sqlDriver, clusterDriver]);
const check = (text: string, hosts?: string[]): CheckResult => checkConfig(text, { registry, ...(hosts && { hosts }) });
const messageAt = (result: CheckResult, path: string): string | undefined =>
  result.errors.find((e) => e.path === path)?.message;

describe('pool options', () => {
  it('accepts a minimal pool and fills every default', () => {
    const result = check('[outgoing_pools.kv.default]\n');
    expect(result.errors).toEqual([]);
    const pool = result.config?.pools[0];
    expect(pool?.options).toEqual({ scope: 'global', strategy: 'best_worker', workers: 10, call_timeout: 5000 });
    expect(pool?.connection).toEqual({ host: '127.0.0.1', port: 6379, database: 0, password: '' });
    expect(pool?.path).toBe('outgoing_pools.kv.default');
  });

  it('uses the driver per-type defaults for workers and call_timeout, and explicit values over them', () => {
    const result = check(
      '[outgoing_pools.sql.a.connection]\ndriver = "odbc"\n[outgoing_pools.cluster.b]\nworkers = 7\n',
    );
    expect(result.errors).toEqual([]);
    expect(result.config?.pools.map((p) => [p.options.workers, p.options.call_timeout])).toEqual([
      [10, 60000],
      [7, 5000],
    ]);
  });

  it('rejects a string where an integer is expected, without coercing it', () => {
    const result = check(
      '[outgoing_pools.kv.default]\nworkers = "5"\n[outgoing_pools.kv.default.connection]\nport = "6379"\n',
    );
    expect(messageAt(result, 'outgoing_pools.kv.default.workers')).toBe('expected a positive integer, got "5"');
    expect(messageAt(result, 'outgoing_pools.kv.default.connection.port')).toBe(
      'expected an integer from 1 to 65534, got "6379"',
    );
  });

  it('rejects a float where an integer is expected, even an integral one', () => {
    const result = check('[outgoing_pools.kv.default]\nworkers = 5.0\ncall_timeout = 2.5\n');
    expect(messageAt(result, 'outgoing_pools.kv.default.workers')).toBe(
      'expected a positive integer, got 5.0 (a float)',
    );
    expect(messageAt(result, 'outgoing_pools.kv.default.call_timeout')).toBe(
      'expected a positive integer, got 2.5 (a float)',
    );
  });

  it('rejects out-of-range numbers and accepts the bounds', () => {
    expect(check('[outgoing_pools.kv.a]\nworkers = 0\n').errors).toEqual([
      { path: 'outgoing_pools.kv.a.workers', message: 'expected a positive integer, got 0' },
    ]);
    expect(
      messageAt(check('[outgoing_pools.kv.a.connection]\nport = 65535\n'), 'outgoing_pools.kv.a.connection.port'),
    ).toBe('expected an integer from 1 to 65534, got 65535');
    expect(check('[outgoing_pools.kv.a]\nworkers = 1\n[outgoing_pools.kv.a.connection]\nport = 65534\n').ok).toBe(true);
  });

  it('rejects an unknown key at its own path with a near-miss suggestion', () => {
    const result = check(
      '[outgoing_pools.kv.default]\nwrokers = 5\n[outgoing_pools.kv.default.connection]\nprot = 1\n',
    );
    expect(result.errors).toEqual([
      { path: 'outgoing_pools.kv.default.wrokers', message: 'unknown key "wrokers"; did you mean "workers"?' },
      { path: 'outgoing_pools.kv.default.connection.prot', message: 'unknown key "prot"; did you mean "port"?' },
    ]);
  });

  it('lists the allowed keys when an unknown key is not close to any', () => {
    const message = messageAt(check('[outgoing_pools.kv.a]\nflavour = 1\n'), 'outgoing_pools.kv.a.flavour');
    expect(message).toBe(
      'unknown key "flavour"; allowed keys: scope, host, strategy, workers, call_timeout, max_worker_queue_len, connection',
    );
  });

  it('rejects an unknown strategy with a suggestion and accepts every known one', () => {
    expect(messageAt(check('[outgoing_pools.kv.a]\nstrategy = "next_workr"\n'), 'outgoing_pools.kv.a.strategy')).toBe(
      'expected one of "best_worker", "random_worker", "next_worker", "available_worker" or "next_available_worker", got "next_workr"; did you mean "next_worker"?',
    );
    expect(check('[outgoing_pools.kv.a]\nstrategy = "next_available_worker"\n').ok).toBe(true);
  });

  it('reports a strategy the type refuses as a config error at strategy', () => {
    expect(check('[outgoing_pools.kv.a]\nstrategy = "available_worker"\n').errors).toEqual([
      { path: 'outgoing_pools.kv.a.strategy', message: 'kv does not support "available_worker"' },
    ]);
    expect(
      check(
        '[outgoing_pools.sql.a]\nstrategy = "available_worker"\n[outgoing_pools.sql.a.connection]\ndriver = "odbc"\n',
      ).ok,
    ).toBe(true);
  });

  it('suggests the closest enum value, e.g. pgsql for psgql', () => {
    const result = check('[outgoing_pools.sql.a.connection]\ndriver = "psgql"\n');
    expect(messageAt(result, 'outgoing_pools.sql.a.connection.driver')).toBe(
      'expected one of "pgsql", "mysql" or "odbc", got "psgql"; did you mean "pgsql"?',
    );
  });

  it('reports a missing required key at the key path, saying what is expected', () => {
    expect(check('[outgoing_pools.sql.a.connection]\nhost = "db"\n').errors).toEqual([
      {
        path: 'outgoing_pools.sql.a.connection.driver',
        message: 'missing required key (expected one of "pgsql", "mysql" or "odbc")',
      },
    ]);
  });

  it('rejects a connection that is not a table', () => {
    expect(messageAt(check('[outgoing_pools.kv.a]\nconnection = 5\n'), 'outgoing_pools.kv.a.connection')).toBe(
      'expected a table, got 5',
    );
  });
});

describe('scope and host', () => {
  it('normalises scope host_type to host', () => {
    const result = check('[general]\nhost_types = ["t1"]\n[outgoing_pools.kv.a]\nscope = "host_type"\n');
    expect(result.config?.pools[0]?.options.scope).toBe('host');
    expect(result.config?.hostTypes).toEqual(['t1']);
  });

  it('requires host with single_host', () => {
    expect(check('[outgoing_pools.kv.a]\nscope = "single_host"\n').errors.map((e) => e.path)).toEqual([
      'outgoing_pools.kv.a.host',
    ]);
  });

  it('rejects host with any scope other than single_host', () => {
    for (const scope of ['global', 'host']) {
      const message = messageAt(
        check(`[outgoing_pools.kv.a]\nscope = "${scope}"\nhost = "a.com"\n`, ['a.com']),
        'outgoing_pools.kv.a.host',
      );
      expect(message).toBe(`only allowed with scope = "single_host" (this pool's scope is "${scope}")`);
    }
  });

  it('accepts single_host with a configured host, and warns about an unknown host', () => {
    const good = check('[general]\nhosts = ["a.com"]\n[outgoing_pools.kv.a]\nscope = "single_host"\nhost = "a.com"\n');
    expect(good).toMatchObject({ ok: true, warnings: [] });
    const warned = check(
      '[general]\nhosts = ["a.com"]\n[outgoing_pools.kv.a]\nscope = "single_host"\nhost = "b.com"\n',
    );
    expect(warned.ok).toBe(true);
    expect(warned.warnings).toEqual([
      {
        path: 'outgoing_pools.kv.a.host',
        message: '"b.com" is not one of the configured hosts or host types (a.com); the pool starts anyway',
      },
    ]);
  });

  it('warns when a host-scoped pool has no hosts to expand over', () => {
    expect(check('[outgoing_pools.kv.a]\nscope = "host"\n').warnings.map((w) => w.path)).toEqual([
      'outgoing_pools.kv.a.scope',
    ]);
  });

  it('rejects two pools that resolve to the same key, naming both paths', () => {
    const text =
      '[general]\nhosts = ["a", "b"]\n[[outgoing_pools.kv.main]]\nscope = "host"\n[[outgoing_pools.kv.main]]\nscope = "single_host"\nhost = "a"\n';
    expect(check(text).errors).toEqual([
      {
        path: 'outgoing_pools.kv.main[1]',
        message: 'pool kv.main@a is defined twice: by outgoing_pools.kv.main[0] and by outgoing_pools.kv.main[1]',
      },
    ]);
  });

  it('accepts a global pool and a host-specific pool with the same tag', () => {
    const text =
      '[general]\nhosts = ["a"]\n[[outgoing_pools.kv.main]]\n[[outgoing_pools.kv.main]]\nscope = "single_host"\nhost = "a"\n';
    expect(check(text).config?.pools.map((p) => p.path)).toEqual([
      'outgoing_pools.kv.main[0]',
      'outgoing_pools.kv.main[1]',
    ]);
  });
});

describe('document structure', () => {
  it('names both packages to install for an unknown pool type and --plugin, with a suggestion', () => {
    expect(check('[outgoing_pools.kvv.a]\n').errors).toEqual([
      {
        path: 'outgoing_pools.kvv',
        message:
          'unknown pool type "kvv": install @outpools/driver-kvv or outpools-driver-kvv, or load a module that provides it (outpools --plugin <module>); did you mean "kv"?',
      },
    ]);
    const scoped = checkConfig('[outgoing_pools.echo.a]\n', { registry, driverScopes: ['acme', '@tools/'] });
    expect(scoped.errors[0]?.message).toBe(
      'unknown pool type "echo": install @outpools/driver-echo, outpools-driver-echo, @acme/outpools-driver-echo or @tools/outpools-driver-echo, or load a module that provides it (outpools --plugin <module>)',
    );
    expect(messageAt(check('[outgoing_pools.redis.a]\n'), 'outgoing_pools.redis')).toContain(
      'install @outpools/driver-redis',
    );
  });

  it('requires outgoing_pools to be a table of tables of tables', () => {
    expect(check('outgoing_pools = 1\n').errors.map((e) => e.path)).toEqual(['outgoing_pools']);
    expect(check('[outgoing_pools]\nkv = 1\n').errors.map((e) => e.path)).toEqual(['outgoing_pools.kv']);
    expect(check('[outgoing_pools.kv]\na = 1\n').errors.map((e) => e.path)).toEqual(['outgoing_pools.kv.a']);
    expect(check('[outgoing_pools.kv.""]\n').errors.map((e) => e.path)).toEqual(['outgoing_pools.kv.""']);
  });

  it('quotes tags that are not bare keys in paths', () => {
    expect(check('[outgoing_pools.kv."a.b"]\nworkers = 0\n').errors.map((e) => e.path)).toEqual([
      'outgoing_pools.kv."a.b".workers',
    ]);
  });

  it('reads [general] hosts and host_types and ignores every other key of a MongooseIM file', () => {
    const text =
      '[general]\nloglevel = "warning"\nhosts = ["a", "b"]\nhost_types = ["t"]\n[listen.c2s]\nport = 5222\n[modules.mod_disco]\n[outgoing_pools.kv.a]\nscope = "host"\n';
    const result = check(text);
    expect(result.errors).toEqual([]);
    expect(result.config).toMatchObject({ hosts: ['a', 'b'], hostTypes: ['t'] });
  });

  it('rejects hosts that are not an array of non-empty strings', () => {
    expect(check('[general]\nhosts = "a"\nhost_types = ["", 1]\n').errors).toEqual([
      { path: 'general.hosts', message: 'expected an array of non-empty strings, got "a"' },
      { path: 'general.host_types[0]', message: 'expected a non-empty string, got ""' },
      { path: 'general.host_types[1]', message: 'expected a non-empty string, got 1' },
    ]);
    expect(check('general = 1\n').errors.map((e) => e.path)).toEqual(['general']);
  });

  it('lets programmatic hosts replace [general] hosts', () => {
    expect(check('[general]\nhosts = ["a"]\n', ['x', 'y']).config?.hosts).toEqual(['x', 'y']);
  });

  it('reports every error of the file at once', () => {
    const text = [
      '[outgoing_pools.kv.a]',
      'workers = "ten"',
      'strategy = "best"',
      '[outgoing_pools.kv.a.connection]',
      'port = 0',
      'hots = "x"',
      '[outgoing_pools.sql.b.connection]',
      'driver = "psgql"',
      '[outgoing_pools.nope.c]',
    ].join('\n');
    expect(check(text).errors.map((e) => e.path)).toEqual([
      'outgoing_pools.kv.a.strategy',
      'outgoing_pools.kv.a.workers',
      'outgoing_pools.kv.a.connection.port',
      'outgoing_pools.kv.a.connection.hots',
      'outgoing_pools.sql.b.connection.driver',
      'outgoing_pools.nope',
    ]);
  });
});

describe('driver hooks', () => {
  it('runs resolve() after schema defaults, then the driver check with paths relative to the pool', () => {
    const resolved = check('[outgoing_pools.cluster.a.connection]\ntls = {}\n');
    expect(resolved.config?.pools[0]?.connection).toMatchObject({ port: 636, tls: { verify_mode: 'peer' } });
    const checked = check(
      '[outgoing_pools.sql.a]\ncall_timeout = 10\n[outgoing_pools.sql.a.connection]\ndriver = "pgsql"\n',
    );
    expect(checked.errors).toEqual([
      { path: 'outgoing_pools.sql.a.connection.host', message: 'required with driver = "pgsql"' },
    ]);
    expect(checked.warnings).toEqual([
      { path: 'outgoing_pools.sql.a.connection.query_timeout', message: 'longer than call_timeout' },
    ]);
  });

  it('still runs the driver check when the pool has a scope, host or strategy rule error', () => {
    const result = check('[outgoing_pools.sql.a]\nhost = "x"\n[outgoing_pools.sql.a.connection]\ndriver = "pgsql"\n');
    expect(result.errors.map((e) => e.path)).toEqual([
      'outgoing_pools.sql.a.host',
      'outgoing_pools.sql.a.connection.host',
    ]);
  });

  it('does not call the driver check while the connection has schema errors', () => {
    const result = check('[outgoing_pools.sql.a.connection]\ndriver = "pgsql"\nquery_timeout = -1\n');
    expect(result.errors.map((e) => e.path)).toEqual(['outgoing_pools.sql.a.connection.query_timeout']);
  });
});
