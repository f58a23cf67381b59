// The rdbms benchmark's child: concurrent callers running `SELECT $1::int` against the base
// PostgreSQL (127.0.0.1:5432, user "outpools" from scripts/services/10-rdbms.sh), through an
// outpools pgsql pool, `pg.Pool({ max: 10 })` or postgres.js, each used directly.
// One variant per process: `node scenario.mjs <variant> [concurrency]`, variants:
// - outpools: the recommended settings (RECOMMENDED_WORKERS workers, `pipeline` at its default);
// - outpools-w<N>: N pipelined workers (the sweep behind the recommendation);
// - outpools-nopipe: 10 workers, `pipeline = 1` (one statement at a time per connection);
// - outpools-available: 10 workers, `pipeline = 1`, `available_worker` (pg.Pool's queueing);
// - pg-pool: `new pg.Pool({ max: 10 })`;
// - postgresjs-1conn / postgresjs-10conn: postgres.js with `max: 1` / `max: 10`, its defaults
//   otherwise (it pipelines on each connection and prepares statements).
import pg from 'pg';
import postgres from 'postgres';
import { closedLoop, scenarioMain } from '../lib/load.mjs';

const HOST = '127.0.0.1';
const PORT = Number(process.env.BENCH_PG_PORT ?? 5432);
const USER = 'outpools';
const PASSWORD = 'outpools-test-pw';
const DATABASE = 'test';
/** The worker count packages/driver-rdbms/README.md recommends for a pipelined pool (see bench/rdbms/README.md). */
export const RECOMMENDED_WORKERS = 2;

/** One caller's next call: `SELECT $1::int` with a changing parameter. */
function selectInt(query) {
  let n = 0;
  return () => query('SELECT $1::int AS n', [(n += 1)]);
}

async function outpools(concurrency, { workers, pipeline, strategy = 'best_worker' }) {
  const { createPools, DriverRegistry, parseConfig } = await import('@outpools/core');
  const { rdbmsDriver } = await import('@outpools/driver-rdbms');
  const registry = new DriverRegistry([rdbmsDriver]);
  const config = parseConfig(
    `[outgoing_pools.rdbms.default]\nworkers = ${workers}\nstrategy = "${strategy}"\n` +
      `[outgoing_pools.rdbms.default.connection]\ndriver = "pgsql"\nhost = "${HOST}"\nport = ${PORT}\n` +
      `database = "${DATABASE}"\nusername = "${USER}"\npassword = "${PASSWORD}"\n` +
      (pipeline === undefined ? '' : `pipeline = ${pipeline}\n`),
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

async function postgresjs(concurrency, max) {
  const sql = postgres({ host: HOST, port: PORT, user: USER, password: PASSWORD, database: DATABASE, max });
  // open every connection before measuring, as outpools' start() does
  await Promise.all(Array.from({ length: max }, () => sql`SELECT 1`));
  let n = 0;
  const result = await closedLoop({
    call: () => sql`SELECT ${(n += 1)}::int AS n`,
    concurrency: Number(concurrency),
    latency: true,
  });
  await sql.end({ timeout: 1 });
  return result;
}

const sweep = Object.fromEntries(
  [1, 2, 4, 10].map((w) => [`outpools-w${w}`, (concurrency) => outpools(concurrency, { workers: w })]),
);

await scenarioMain({
  outpools: (concurrency) => outpools(concurrency, { workers: RECOMMENDED_WORKERS }),
  ...sweep,
  'outpools-nopipe': (concurrency) => outpools(concurrency, { workers: 10, pipeline: 1 }),
  'outpools-available': (concurrency) =>
    outpools(concurrency, { workers: 10, pipeline: 1, strategy: 'available_worker' }),

  async 'pg-pool'(concurrency) {
    const pool = new pg.Pool({ host: HOST, port: PORT, user: USER, password: PASSWORD, database: DATABASE, max: 10 });
    // open every connection before measuring, as outpools' start() does
    const clients = await Promise.all(Array.from({ length: 10 }, () => pool.connect()));
    for (const c of clients) c.release();
    const result = await closedLoop({
      call: selectInt((sql, params) => pool.query(sql, params)),
      concurrency: Number(concurrency),
      latency: true,
    });
    await pool.end();
    return result;
  },

  'postgresjs-1conn': (concurrency) => postgresjs(concurrency, 1),
  'postgresjs-10conn': (concurrency) => postgresjs(concurrency, 10),
});
