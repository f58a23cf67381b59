// Setup of the cassandra benchmark, run once by bench.mjs before the runs: the test node
// (scripts/services/slow/cassandra.sh start + wait), a role, a keyspace and a table of ROWS rows.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const HOST = '127.0.0.1';
export const PORT = Number(process.env.BENCH_CASSANDRA_PORT ?? 19042);
export const USER = 'outpools_bench';
export const PASSWORD = 'outpools-bench-pw-5c1e';
export const KEYSPACE = 'outpools_bench';
export const ROWS = 1000;
export const CQL = 'SELECT v FROM kv WHERE k = ?';

/** cassandra-driver, resolved from the driver package (the workspace root does not depend on it). */
export function loadCassandraDriver() {
  const require = createRequire(import.meta.url);
  const driverPackage = require.resolve('@outpools/driver-cassandra/package.json');
  return createRequire(driverPackage)('cassandra-driver');
}

/** Start the node when this is the default port, then create what the runs read. */
export async function setup() {
  if (process.env.BENCH_CASSANDRA_PORT === undefined) {
    const script = fileURLToPath(new URL('../../scripts/services/slow/cassandra.sh', import.meta.url));
    execFileSync(script, ['start'], { stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync(script, ['wait', '300'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const cassandra = loadCassandraDriver();
  const admin = new cassandra.Client({
    contactPoints: [`${HOST}:${PORT}`],
    localDataCenter: 'datacenter1',
    authProvider: new cassandra.auth.PlainTextAuthProvider('cassandra', 'cassandra'),
    isMetadataSyncEnabled: false,
  });
  await admin.connect();
  try {
    await admin.execute(
      `CREATE ROLE IF NOT EXISTS ${USER} WITH PASSWORD = '${PASSWORD}' AND LOGIN = true AND SUPERUSER = true`,
    );
    // Hash the password with the node's bcrypt cost when it was set with another one.
    const row = (await admin.execute('SELECT salted_hash FROM system_auth.roles WHERE role = ?', [USER])).first();
    if (!String(row?.salted_hash ?? '').startsWith('$2a$04$'))
      await admin.execute(`ALTER ROLE ${USER} WITH PASSWORD = '${PASSWORD}'`);
    await admin.execute(
      `CREATE KEYSPACE IF NOT EXISTS ${KEYSPACE} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    await admin.execute(`CREATE TABLE IF NOT EXISTS ${KEYSPACE}.kv (k int PRIMARY KEY, v text)`);
    const insert = `INSERT INTO ${KEYSPACE}.kv (k, v) VALUES (?, ?)`;
    for (let k = 0; k < ROWS; k += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, i) => admin.execute(insert, [k + i, `value-${k + i}`], { prepare: true })),
      );
    }
  } finally {
    await admin.shutdown();
  }
}
