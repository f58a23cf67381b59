/**
 * Fault scenarios for cassandra pools, against the test node of scripts/services/slow/cassandra.sh
 * behind the fault proxy (a slow server shared by the suites: never stopped here, and held with
 * the driver tests' shared lock so that their restart test does not stop it meanwhile). Each call
 * increments a counter row of its own id (counter updates are not idempotent: never retried).
 */
import { poolToml, startPoolsFromToml } from '@outpools/testing';
import { cassandraDriver, type CassandraClient } from '@outpools/driver-cassandra';
import { CONNECTION, PORT, useCassandra } from '../../packages/driver-cassandra/test/helpers/server.js';
import { loadCassandraDriver } from '../../packages/driver-cassandra/src/load.js';
import type { OwnedBackend } from './harness.js';
import { CASSANDRA_FAULTS, describeFaults } from './suite.js';

const TABLE = `faults_counts_${process.pid}`;

async function admin<T>(fn: (client: CassandraClient) => Promise<T>): Promise<T> {
  const { pools } = await startPoolsFromToml(
    poolToml('cassandra', 'faults_admin', { workers: 1, call_timeout: 60_000 }, { ...CONNECTION }),
    [cassandraDriver],
  );
  try {
    return await fn(pools.get(cassandraDriver, 'global', 'faults_admin'));
  } finally {
    await pools.stop();
  }
}

useCassandra();

describeFaults(
  'cassandra',
  async (): Promise<OwnedBackend<CassandraClient>> => {
    await loadCassandraDriver(); // its import time must not count against a connect bound
    await admin((c) => c.execute(`CREATE TABLE IF NOT EXISTS ${TABLE} (id text PRIMARY KEY, n counter)`));
    return {
      name: 'cassandra',
      driver: cassandraDriver,
      target: { port: PORT },
      toml: (tag, port, pool) =>
        poolToml('cassandra', tag, pool, { ...CONNECTION, servers: [{ host: '127.0.0.1', port }] }),
      client: (pools, tag) => pools.get(cassandraDriver, 'global', tag),
      write: (client, id) => client.execute(`UPDATE ${TABLE} SET n = n + 1 WHERE id = ?`, [id]),
      async counts(client) {
        const counts = new Map<string, number>();
        for await (const row of client.rows<{ id: string; n: unknown }>(`SELECT id, n FROM ${TABLE}`)) {
          counts.set(row.id, Number(row.n));
        }
        return counts;
      },
      dispose: () => admin((c) => c.execute(`DROP TABLE IF EXISTS ${TABLE}`)).then(() => undefined),
    };
  },
  CASSANDRA_FAULTS,
);
