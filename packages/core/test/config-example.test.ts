// examples/outgoing-pools.toml, checked with permissive fake drivers (the real driver packages
// check their own keys): structure, scopes, hosts, per-type defaults and the shared TLS schema.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DriverRegistry, parseConfig } from '@outpools/core';
import { PUBLISHED_TYPES as BUILTIN_TYPES } from '../src/cli/published-types.js';
import { defineDriver, TlsSchema, Type } from '@outpools/core/driver';
import { expandPools } from '../src/config/scope.js';
import { noopMethods } from './cli-fake-drivers.mjs';

const example = fileURLToPath(new URL('../../../examples/outgoing-pools.toml', import.meta.url));
const perType = { cassandra: { workers: 20 }, rdbms: { call_timeout: 60000 } } as Record<
  string,
  { workers?: number; call_timeout?: number }
>;

const permissive = (type: string) =>
  defineDriver({
    type,
    ...(perType[type] && { defaults: perType[type] }),
    connectionSchema: Type.Object({ tls: Type.Optional(TlsSchema) }, { additionalProperties: Type.Unknown() }),
    ...noopMethods,
  });

describe('examples/outgoing-pools.toml', () => {
  it('uses all seven pool types with global, host and single_host scopes, and is valid', async () => {
    const config = parseConfig(await readFile(example, 'utf8'), {
      registry: new DriverRegistry(BUILTIN_TYPES.map(permissive)),
    });
    expect(new Set(config.pools.map((p) => p.type))).toEqual(new Set(BUILTIN_TYPES));
    expect(new Set(config.pools.map((p) => p.options.scope))).toEqual(new Set(['global', 'host', 'single_host']));
    expect(config.hosts).toEqual(['localhost', 'example.com']);
    expect(config.warnings).toEqual([]);
    const instances = expandPools(config.pools, config.hosts);
    expect(instances.filter((i) => i.type === 'redis').map((i) => `${i.key.tag}@${i.key.host}`)).toEqual([
      'default@global',
      'cache@localhost',
      'cache@example.com',
    ]);
  });

  it('has an https pool with a TLS section that verifies the peer against the example CA', async () => {
    const config = parseConfig(await readFile(example, 'utf8'), {
      registry: new DriverRegistry(BUILTIN_TYPES.map(permissive)),
    });
    const http = config.pools.find((p) => p.type === 'http' && p.tag === 'auth');
    expect(http?.connection).toMatchObject({
      host: 'https://127.0.0.1:8443',
      tls: { verify_mode: 'peer', cacertfile: 'examples/certs/ca.pem', versions: ['tlsv1.2', 'tlsv1.3'] },
    });
    const rdbms = config.pools.find((p) => p.type === 'rdbms');
    expect(rdbms?.options.call_timeout).toBe(60000);
    expect(rdbms?.connection).toMatchObject({ host: '127.0.0.1', port: 5432, database: 'test', username: 'postgres' });
    expect(config.pools.find((p) => p.type === 'cassandra')?.options.workers).toBe(20);
  });
});
