// The http benchmark: GET / from 100 concurrent callers, through a 10-worker outpools http pool
// vs an undici Pool with 10 connections used directly; same local server (one process started
// here for the whole run), same run, fresh processes, median of 3.
// Headline (last line): `RESULT vs_undici_pool=<outpools ops/s ÷ undici Pool ops/s>`, target >= 0.95.
import { ratio } from '../lib/stats.mjs';
import { startBenchServer } from './start-server.mjs';

const CONCURRENCY = 100;
const label = (variant) => `${variant} c=${CONCURRENCY}`;

// Measured runs of 2 s by default (`--duration-ms` overrides): 1 s runs on a busy 2-core machine
// swing by 2x from run to run.
process.env.BENCH_DURATION_MS ??= '2000';

if (!process.env.BENCH_HTTP_PORT) {
  const server = await startBenchServer();
  process.env.BENCH_HTTP_PORT = String(server.port);
}

export default {
  description: `GET /, ${CONCURRENCY} callers: outpools http pool (10 workers) vs undici Pool (10 connections), one node:http server`,
  scenario: new URL('./scenario.mjs', import.meta.url),
  nodeArgs: [],
  runs: 3,
  timeoutMs: 120_000,
  cases: ['outpools', 'undici'].map((v) => ({ label: label(v), args: [v, String(CONCURRENCY)] })),
  targets: { vs_undici_pool: { min: 0.95, subject: label('outpools'), baseline: label('undici') } },
  summarize: (m) => [`RESULT vs_undici_pool=${ratio(m[label('outpools')]?.opsPerSec, m[label('undici')]?.opsPerSec)}`],
};
