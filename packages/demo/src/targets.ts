/**
 * What one demo call is, per kind of pool: a GET on the HTTP service, an INSERT into the embedded
 * PostgreSQL, a SELECT on a local PostgreSQL or MariaDB, an INCR on a local Redis.
 * @module
 */
import type { PoolKey, Pools } from '@outpools/core';
import { httpDriver } from '@outpools/driver-http';
import { rdbmsDriver } from '@outpools/driver-rdbms';
import { redisDriver } from '@outpools/driver-redis';

/** The Redis key a local Redis pool increments (deleted when the demo ends). */
export const redisKey = (tag: string): string => `outpools:demo:${tag}`;

/** The call the demo repeats on one pool instance. */
export function callFor(pools: Pools, key: PoolKey, served: boolean): () => Promise<unknown> {
  const { type, host, tag } = key;
  if (type === 'http') {
    const http = pools.get(httpDriver, host, tag);
    return async () => {
      const res = await http.get('work');
      if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
    };
  }
  if (type === 'rdbms') {
    const db = pools.get(rdbmsDriver, host, tag);
    if (served) return () => db.query('INSERT INTO demo_events (pool) VALUES ($1) RETURNING id', [tag]);
    const sql = db.driver === 'pgsql' ? 'SELECT $1::int + 1 AS n' : 'SELECT ? + 1 AS n';
    return () => db.query(sql, [41]);
  }
  if (type === 'redis') {
    const redis = pools.get(redisDriver, host, tag);
    return () => redis.incr(redisKey(tag));
  }
  throw new Error(`the demo has no call for pool type "${type}"`);
}
