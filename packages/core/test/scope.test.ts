// Named after MongooseIM's test/mongoose_wpool_SUITE.erl, as sentences.
import { describe, expect, it } from 'vitest';
import { expandPools, poolKeyId, resolvePool } from '../src/config/scope.js';
import { GLOBAL_HOST, PoolNotFoundError, type PoolKey, type PoolSpec } from '@outpools/core';

const pool = (type: string, tag: string, scope: 'global' | 'host' | 'single_host', host?: string): PoolSpec => ({
  type,
  tag,
  path: `outgoing_pools.${type}.${tag}`,
  options: { scope, strategy: 'best_worker', workers: 10, call_timeout: 5000, ...(host !== undefined && { host }) },
  connection: { tag },
});

const started = (pools: PoolSpec[], hosts: string[]): Map<string, PoolSpec & { key: PoolKey }> =>
  new Map(expandPools(pools, hosts).map((instance) => [poolKeyId(instance.key), instance]));

describe('expandPools', () => {
  it('a global pool is started once, with host "global"', () => {
    const instances = expandPools([pool('redis', 'default', 'global')], ['a.com', 'b.com']);
    expect(instances.map((i) => i.key)).toEqual([{ type: 'redis', host: GLOBAL_HOST, tag: 'default' }]);
  });

  it('generic pools are started for all hosts and host types', () => {
    const instances = expandPools([pool('rdbms', 'default', 'host')], ['a.com', 'b.com', 'type1']);
    expect(instances.map((i) => i.key.host)).toEqual(['a.com', 'b.com', 'type1']);
    expect(instances.every((i) => i.connection.tag === 'default' && i.path === 'outgoing_pools.rdbms.default')).toBe(
      true,
    );
  });

  it('a host that appears twice starts one instance', () => {
    expect(expandPools([pool('rdbms', 'default', 'host')], ['a.com', 'a.com'])).toHaveLength(1);
  });

  it('a single_host pool is started only for its host', () => {
    const instances = expandPools([pool('http', 'auth', 'single_host', 'b.com')], ['a.com', 'b.com']);
    expect(instances.map((i) => i.key)).toEqual([{ type: 'http', host: 'b.com', tag: 'auth' }]);
  });

  it('two distinct pools of one type are started side by side', () => {
    const instances = expandPools([pool('redis', 'default', 'global'), pool('redis', 'events', 'global')], []);
    expect(instances.map((i) => i.key.tag)).toEqual(['default', 'events']);
  });

  it('host specific pools are preserved next to the global pool of the same tag', () => {
    const map = started(
      [pool('rdbms', 'default', 'global'), pool('rdbms', 'default', 'single_host', 'a.com')],
      ['a.com', 'b.com'],
    );
    expect([...map.values()].map((i) => i.key.host)).toEqual(['global', 'a.com']);
    expect(map.get(poolKeyId({ type: 'rdbms', host: 'a.com', tag: 'default' }))?.options.scope).toBe('single_host');
  });
});

describe('resolvePool', () => {
  const map = started(
    [
      pool('rdbms', 'default', 'global'),
      pool('rdbms', 'default', 'single_host', 'a.com'),
      pool('redis', 'events', 'host'),
    ],
    ['a.com', 'b.com'],
  );
  const lookup = (id: string): (PoolSpec & { key: PoolKey }) | undefined => map.get(id);

  it('the exact key is used when it exists', () => {
    expect(resolvePool(lookup, { type: 'rdbms', host: 'a.com', tag: 'default' }).key.host).toBe('a.com');
  });

  it('the global pool is used by default for a host without its own pool', () => {
    expect(resolvePool(lookup, { type: 'rdbms', host: 'b.com', tag: 'default' }).key.host).toBe('global');
  });

  it('a host-scoped pool is found for each of its hosts', () => {
    expect(resolvePool(lookup, { type: 'redis', host: 'b.com', tag: 'events' }).key).toEqual({
      type: 'redis',
      host: 'b.com',
      tag: 'events',
    });
  });

  it('never falls back to another tag, and names the key asked for and the global key it tried last', () => {
    const attempt = (): unknown => resolvePool(lookup, { type: 'rdbms', host: 'a.com', tag: 'other' });
    expect(attempt).toThrow(PoolNotFoundError);
    expect(attempt).toThrow('no pool rdbms.other@a.com (nor its global fallback rdbms.other@global)');
    const error = (() => {
      try {
        attempt();
      } catch (e) {
        return e as PoolNotFoundError;
      }
      return undefined;
    })();
    expect(error?.requestedKey).toEqual({ type: 'rdbms', host: 'a.com', tag: 'other' });
    expect(error?.poolKey).toEqual({ type: 'rdbms', host: 'global', tag: 'other' });
  });

  it('a missing global pool is not looked up twice and names the global key', () => {
    let calls = 0;
    const counting = (id: string): undefined => {
      calls += 1;
      void id;
      return undefined;
    };
    expect(() => resolvePool(counting, { type: 'redis', host: 'global', tag: 'events' })).toThrow(
      expect.objectContaining({ poolKey: { type: 'redis', host: 'global', tag: 'events' } }),
    );
    expect(calls).toBe(1);
  });

  it('a host-scoped pool is not found for a host it was not started for, and has no global fallback', () => {
    expect(() => resolvePool(lookup, { type: 'redis', host: 'c.com', tag: 'events' })).toThrow(
      expect.objectContaining({
        code: 'OUTPOOLS_POOL_NOT_FOUND',
        poolKey: { type: 'redis', host: 'global', tag: 'events' },
      }),
    );
  });

  it('pool key ids tell apart keys that would print alike', () => {
    expect(poolKeyId({ type: 'a', host: 'b.c', tag: 'd' })).not.toBe(poolKeyId({ type: 'a', host: 'b', tag: 'c.d' }));
  });
});
