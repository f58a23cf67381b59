// The cassandra benchmark's child: 100 concurrent callers reading one row each (prepared
// `SELECT v FROM kv WHERE k = ?` over 1,000 keys) through a 20-worker outpools pool, or through
// 20 bare cassandra-driver clients used round-robin. One variant per process:
// `node scenario.mjs <outpools|cassandra-driver> [concurrency]`.
import { closedLoop, durationMs, scenarioMain } from '../lib/load.mjs';
import { CQL, HOST, KEYSPACE, loadCassandraDriver, PASSWORD, PORT, ROWS, USER } from './setup.mjs';

const WORKERS = 20;
// Three seconds per run by default: the node shares the machine's two cores with the callers.
const DURATION_MS = durationMs(3000);

/** The load of one caller: one prepared read of a row, over the key space. */
function reads(read) {
  let n = 0;
  return () => {
    n += 1;
    return read(n % ROWS);
  };
}

await scenarioMain({
  async outpools(concurrency) {
    const { createPools, DriverRegistry, parseConfig } = await import('@outpools/core');
    const { cassandraDriver } = await import('@outpools/driver-cassandra');
    const registry = new DriverRegistry([cassandraDriver]);
    const config = parseConfig(
      `[outgoing_pools.cassandra.default]\nworkers = ${WORKERS}\n` +
        `[outgoing_pools.cassandra.default.connection]\nservers = [{host = "${HOST}", port = ${PORT}}]\n` +
        `keyspace = "${KEYSPACE}"\nauth.plain = {username = "${USER}", password = "${PASSWORD}"}\n`,
      { registry },
    );
    const pools = createPools(config, { registry });
    await pools.start({ requireLive: true });
    const cassandra = pools.get(cassandraDriver, 'global', 'default');
    const result = await closedLoop({
      call: reads((k) => cassandra.execute(CQL, [k])),
      concurrency: Number(concurrency),
      durationMs: DURATION_MS,
      latency: true,
    });
    await pools.stop();
    return result;
  },

  async 'cassandra-driver'(concurrency) {
    const cassandra = loadCassandraDriver();
    const clients = Array.from(
      { length: WORKERS },
      () =>
        new cassandra.Client({
          contactPoints: [`${HOST}:${PORT}`],
          keyspace: KEYSPACE,
          authProvider: new cassandra.auth.PlainTextAuthProvider(USER, PASSWORD),
          policies: { loadBalancing: new cassandra.policies.loadBalancing.RoundRobinPolicy() },
          pooling: {
            coreConnectionsPerHost: { [cassandra.types.distance.local]: 1, [cassandra.types.distance.remote]: 1 },
          },
          isMetadataSyncEnabled: false,
        }),
    );
    await Promise.all(clients.map((c) => c.connect()));
    let next = 0;
    const pick = () => clients[next++ % WORKERS];
    const options = { prepare: true };
    const result = await closedLoop({
      call: reads((k) => pick().execute(CQL, [k], options)),
      concurrency: Number(concurrency),
      durationMs: DURATION_MS,
      latency: true,
    });
    await Promise.all(clients.map((c) => c.shutdown()));
    return result;
  },
});
