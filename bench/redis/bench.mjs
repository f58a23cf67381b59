// The redis benchmark: GET/SET alternating from 100 concurrent callers, through a 10-worker
// outpools redis pool vs 10 ioredis clients used round-robin directly, same server, same run.
// Headline (last line): `RESULT vs_ioredis_rr=<outpools ops/s ÷ ioredis ops/s>`, target >= 0.95.
import { ratio } from '../lib/stats.mjs';

const CONCURRENCY = 100;
const label = (variant) => `${variant} c=${CONCURRENCY}`;

export default {
  description: `GET/SET alternating, ${CONCURRENCY} callers: outpools redis pool (10 workers) vs 10 ioredis clients round-robin`,
  scenario: new URL('./scenario.mjs', import.meta.url),
  nodeArgs: [],
  runs: 3,
  timeoutMs: 120_000,
  cases: ['outpools', 'ioredis'].map((v) => ({ label: label(v), args: [v, String(CONCURRENCY)] })),
  // Board target (bench/board.mjs): with auto-pipelined workers the pool is to reach 1.5x.
  targets: { vs_ioredis_rr: { min: 1.5, subject: label('outpools'), baseline: label('ioredis') } },
  summarize: (m) => [`RESULT vs_ioredis_rr=${ratio(m[label('outpools')]?.opsPerSec, m[label('ioredis')]?.opsPerSec)}`],
};
