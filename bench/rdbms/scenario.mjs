// The rdbms benchmark's child: concurrent callers running `SELECT $1::int` against the base
// PostgreSQL (127.0.0.1:5432, user "outpools" from scripts/services/10-rdbms.sh), through a
// 10-worker outpools pgsql pool or through `pg.Pool({ max: 10 })` directly.
// One variant per process: `node scenario.mjs <outpools|outpools-available|pg-pool> [concurrency]`.
import pg from 'pg';
import { closedLoop, scenarioMain } from '../lib/load.mjs';

const HOST = '127.0.0.1';
const PORT = Number(process.env.BENCH_PG_PORT ?? 5432);
const USER = 'outpools';
const PASSWORD = 'outpools-test-pw';
const DATABASE = 'test';
const WORKERS = 10;

/** One caller's next call: `SELECT $1::int` with a changing parameter. */
function selectInt(query) {
  let n = 0;
  return () => query('SELECT $1::int AS n', [(n += 1)]);
}

async function outpools(concurrency, strategy) {
  const { createPools, DriverRegistry, parseConfig } = await import('@outpools/core');
  const { rdbmsDriver } = await import('@outpools/driver-rdbms');
  const registry = new DriverRegistry([rdbmsDriver]);
  const config = parseConfig(
    `[outgoing_pools.rdbms.default]\nworkers = ${WORKERS}\nstrategy = "${strategy}"\n` +
      `[outgoing_pools.rdbms.default.connection]\ndriver = "pgsql"\nhost = "${HOST}"\nport = ${PORT}\n` +
      `database = "${DATABASE}"\nusername = "${USER}"\npassword = "${PASSWORD}"\n`,
    { registry },
  );
  const pools = createPools(config, { registry });
  await pools.start({ requireLive: true });
  const db = pools.get(rdbmsDriver, 'global', 'default');
  const result = await closedLoop({
    call: selectInt((sql, params) => db.query(sql, params)),
    concurrency: Number(concurrency),
    latency: true,
  });
  await pools.stop();
  return result;
}

await scenarioMain({
  // the default strategy, best_worker: each call goes to the least loaded worker's mailbox
  outpools: (concurrency) => outpools(concurrency, 'best_worker'),
  // available_worker: one pool-wide FIFO queue, which is what pg.Pool does
  'outpools-available': (concurrency) => outpools(concurrency, 'available_worker'),

  async 'pg-pool'(concurrency) {
    const pool = new pg.Pool({
      host: HOST,
      port: PORT,
      user: USER,
      password: PASSWORD,
      database: DATABASE,
      max: WORKERS,
    });
    // open every connection before measuring, as outpools' start() does
    const clients = await Promise.all(Array.from({ length: WORKERS }, () => pool.connect()));
    for (const c of clients) c.release();
    const result = await closedLoop({
      call: selectInt((sql, params) => pool.query(sql, params)),
      concurrency: Number(concurrency),
      latency: true,
    });
    await pool.end();
    return result;
  },
});
