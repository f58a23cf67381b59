// The rabbit benchmark: confirmed publishes from 100 concurrent callers, through a 10-worker
// outpools rabbit pool (confirms_enabled) vs 10 amqplib confirm channels (one connection each)
// used round-robin directly, same broker, same run.
// Headline (last line): `RESULT vs_amqplib_rr=<outpools publishes/s ÷ amqplib publishes/s>`, target >= 0.95.
import { ratio } from '../lib/stats.mjs';

const CONCURRENCY = 100;
const label = (variant) => `${variant} c=${CONCURRENCY}`;

export default {
  description: `confirmed publishes, ${CONCURRENCY} callers: outpools rabbit pool (10 workers) vs 10 amqplib confirm channels round-robin`,
  scenario: new URL('./scenario.mjs', import.meta.url),
  nodeArgs: [],
  runs: 3,
  timeoutMs: 120_000,
  cases: ['outpools', 'amqplib'].map((v) => ({ label: label(v), args: [v, String(CONCURRENCY)] })),
  targets: { vs_amqplib_rr: { min: 0.95, subject: label('outpools'), baseline: label('amqplib') } },
  summarize: (m) => [`RESULT vs_amqplib_rr=${ratio(m[label('outpools')]?.opsPerSec, m[label('amqplib')]?.opsPerSec)}`],
};
