// The rdbms benchmark: 100 concurrent callers running `SELECT $1::int` through an outpools pgsql
// pool with its recommended settings (pipelined workers) vs postgres.js with one connection and
// vs `pg.Pool({ max: 10 })`, same server (the base PostgreSQL on 127.0.0.1:5432), same run,
// median of fresh processes per variant.
// Headline (last line): `RESULT vs_postgresjs_1conn=<x> vs_pg_pool=<x>` (outpools ops/s ÷ theirs),
// targets >= 1.0 and >= 2.5. The line before it: the same pool with `pipeline = 1` vs pg.Pool.
// The worker sweep behind the recommendation: `BENCH_RDBMS_SWEEP=1 node bench/run.mjs rdbms`.
import { ratio } from '../lib/stats.mjs';

const CONCURRENCY = 100;
const SWEEP = process.env.BENCH_RDBMS_SWEEP === '1' ? ['outpools-w1', 'outpools-w4', 'outpools-w10'] : [];
const VARIANTS = ['outpools', 'postgresjs-1conn', 'pg-pool', 'outpools-nopipe', ...SWEEP];
const label = (variant) => `${variant} c=${CONCURRENCY}`;
const ops = (m, variant) => m[label(variant)]?.opsPerSec;

export default {
  description: `SELECT $1::int, ${CONCURRENCY} callers: outpools pgsql pool (pipelined) vs postgres.js (1 connection) and pg.Pool({ max: 10 })`,
  scenario: new URL('./scenario.mjs', import.meta.url),
  nodeArgs: [],
  runs: 3,
  timeoutMs: 120_000,
  cases: VARIANTS.map((v) => ({ label: label(v), args: [v, String(CONCURRENCY)] })),
  // Board targets (bench/board.mjs): with pipelined workers the pool is to beat postgres.js on one
  // connection and reach 2.5x pg.Pool.
  targets: {
    vs_postgresjs_1conn: { min: 1.0, subject: label('outpools'), baseline: label('postgresjs-1conn') },
    vs_pg_pool: { min: 2.5, subject: label('outpools'), baseline: label('pg-pool') },
    nopipe_vs_pg_pool: { subject: label('outpools-nopipe'), baseline: label('pg-pool') },
  },
  summarize: (m) => [
    `RESULT nopipe_vs_pg_pool=${ratio(ops(m, 'outpools-nopipe'), ops(m, 'pg-pool'))}`,
    `RESULT vs_postgresjs_1conn=${ratio(ops(m, 'outpools'), ops(m, 'postgresjs-1conn'))} ` +
      `vs_pg_pool=${ratio(ops(m, 'outpools'), ops(m, 'pg-pool'))}`,
  ],
};
