import { describe, expect, it } from 'vitest';
import type { LoadedConfig, PoolSpec } from '@outpools/core';
import { formatPool, tomlValue } from '../src/cli/format.js';

describe('printing resolved pools as TOML', () => {
  it('prints scalars, arrays and inline tables in TOML syntax', () => {
    expect(tomlValue('a"b')).toBe('"a\\"b"');
    expect(tomlValue(5)).toBe('5');
    expect(tomlValue(false)).toBe('false');
    expect(tomlValue(12n)).toBe('12');
    expect(tomlValue(['a', 1])).toBe('["a", 1]');
    expect(tomlValue([{ host: 'h', port: 9042, 'odd key': undefined }])).toBe('[{ host = "h", port = 9042 }]');
    expect(tomlValue({})).toBe('{}');
    expect(tomlValue({ 'a b': 1 })).toBe('{ "a b" = 1 }');
    expect(tomlValue(new Date(0))).toMatch(/^"/);
  });

  it('prints nested tables as sections and every password as "***"', () => {
    const pool: PoolSpec = {
      type: 'cluster',
      tag: 'x',
      path: 'outgoing_pools.cluster.x',
      options: { scope: 'host', strategy: 'best_worker', workers: 20, call_timeout: 5000 },
      connection: {
        servers: [{ host: 'a', port: 1 }],
        auth: { plain: { username: 'u', password: 'p4ss' } },
        tls: { password: 'q' },
      },
    };
    const config: LoadedConfig = { pools: [pool], hosts: [], hostTypes: [], warnings: [] };
    expect(formatPool(pool, config)).toBe(
      [
        '# cluster.x: no instance',
        '[outgoing_pools.cluster.x]',
        'scope = "host"',
        'strategy = "best_worker"',
        'workers = 20',
        'call_timeout = 5000',
        '[outgoing_pools.cluster.x.connection]',
        'servers = [{ host = "a", port = 1 }]',
        '[outgoing_pools.cluster.x.connection.auth]',
        '[outgoing_pools.cluster.x.connection.auth.plain]',
        'username = "u"',
        'password = "***"',
        '[outgoing_pools.cluster.x.connection.tls]',
        'password = "***"',
      ].join('\n'),
    );
  });
});
