import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkConfig, DriverRegistry } from '@outpools/core';
import { expandPools } from '../packages/core/src/config/scope.js';
import { cassandraDriver } from '@outpools/driver-cassandra';
import { elasticDriver } from '@outpools/driver-elastic';
import { httpDriver } from '@outpools/driver-http';
import { ldapDriver } from '@outpools/driver-ldap';
import { rabbitDriver } from '@outpools/driver-rabbit';
import { rdbmsDriver } from '@outpools/driver-rdbms';
import { redisDriver } from '@outpools/driver-redis';

const root = fileURLToPath(new URL('..', import.meta.url));
const example = 'examples/outgoing-pools.toml';

describe('the default example', () => {
  it('is valid against the real driver of every one of the seven pool types', () => {
    const registry = new DriverRegistry([
      rdbmsDriver,
      redisDriver,
      cassandraDriver,
      elasticDriver,
      rabbitDriver,
      ldapDriver,
      httpDriver,
    ]);
    const cwd = process.cwd();
    process.chdir(root); // the example's cacertfile is relative to the repository root
    try {
      const result = checkConfig(readFileSync(`${root}${example}`, 'utf8'), { registry, source: example });
      expect(result.errors).toEqual([]);
      const types = new Set(result.config!.pools.map((p) => p.type));
      expect([...types].sort()).toEqual(['cassandra', 'elastic', 'http', 'ldap', 'rabbit', 'rdbms', 'redis']);
      expect(result.config!.pools.some((p) => 'tls' in p.connection)).toBe(true);
      expect(expandPools(result.config!.pools, result.config!.hosts).length).toBeGreaterThan(
        result.config!.pools.length,
      );
    } finally {
      process.chdir(cwd);
    }
  });
});
