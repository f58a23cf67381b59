// The rdbms benchmark: 100 concurrent callers running `SELECT $1::int` through a 10-worker
// outpools pgsql pool vs `pg.Pool({ max: 10 })` used directly, same server (the base PostgreSQL
// on 127.0.0.1:5432), same run, median of 3 fresh processes per variant.
// Headline (last line): `RESULT vs_pg_pool=<outpools ops/s ÷ pg.Pool ops/s>` with the default
// strategy (best_worker), target >= 1.0. The line before it compares `available_worker`, whose
// pool-wide queue is what pg.Pool does.
import { ratio } from '../lib/stats.mjs';

const CONCURRENCY = 100;
const VARIANTS = ['outpools', 'outpools-available', 'pg-pool'];
const label = (variant) => `${variant} c=${CONCURRENCY}`;
const ops = (m, variant) => m[label(variant)]?.opsPerSec;

export default {
  description: `SELECT $1::int, ${CONCURRENCY} callers: outpools pgsql pool (10 workers) vs pg.Pool({ max: 10 })`,
  scenario: new URL('./scenario.mjs', import.meta.url),
  nodeArgs: [],
  runs: 3,
  timeoutMs: 120_000,
  cases: VARIANTS.map((v) => ({ label: label(v), args: [v, String(CONCURRENCY)] })),
  // Board targets (bench/board.mjs): with pipelined workers the pool is to reach 2.5x pg.Pool.
  targets: {
    vs_pg_pool: { min: 2.5, subject: label('outpools'), baseline: label('pg-pool') },
    available_worker_vs_pg_pool: { subject: label('outpools-available'), baseline: label('pg-pool') },
  },
  summarize: (m) => [
    `RESULT available_worker_vs_pg_pool=${ratio(ops(m, 'outpools-available'), ops(m, 'pg-pool'))}`,
    `RESULT vs_pg_pool=${ratio(ops(m, 'outpools'), ops(m, 'pg-pool'))}`,
  ],
};
