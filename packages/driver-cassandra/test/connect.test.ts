/**
 * How many connections a worker's connect opens: one per node. A connect is on the path of every
 * recovery (the pool reconnects a worker whose node went away), so it makes no attempt that the
 * node refuses (tests/faults/README.md, cassandra `blackhole`).
 */
import { describe, expect, it } from 'vitest';
import { startTcpProxy } from '@outpools/testing';
import { cassandraToml, clientOf, startPools } from './helpers/pools.js';
import { CONNECTION, SERVER, useCassandra } from './helpers/server.js';

useCassandra();

describe('cassandra connect (live)', () => {
  it('opens one connection per worker: protocol v4 offered first, no refused newer protocol', async () => {
    const proxy = await startTcpProxy(SERVER);
    try {
      const { pools } = await startPools(
        cassandraToml('one_conn', { workers: 2 }, { ...CONNECTION, servers: [{ host: proxy.host, port: proxy.port }] }),
      );
      try {
        expect(pools.stats()[0]?.workers).toMatchObject({ live: 2, total: 2 });
        const rows = (await clientOf(pools, 'one_conn').execute('SELECT release_version FROM system.local')).rows;
        expect(rows).toHaveLength(1);
        // Offered DSE v2 first, the node answers "v5 at most" and the driver opens a second
        // connection for v4: 4 connections here.
        expect(proxy.accepted).toBe(2);
      } finally {
        await pools.stop();
      }
    } finally {
      await proxy.close();
    }
  });
});
