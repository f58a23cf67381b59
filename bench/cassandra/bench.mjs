// The cassandra benchmark: prepared single-row reads from 100 concurrent callers, through a
// 20-worker outpools cassandra pool vs 20 cassandra-driver clients used round-robin directly
// (each set up like a pool worker: one connection to the node), same node, same run.
// Headline (last line): `RESULT vs_cassandra_driver_rr=<outpools ops/s ÷ cassandra-driver ops/s>`,
// target >= 0.95.
import { ratio } from '../lib/stats.mjs';
import { setup } from './setup.mjs';

const CONCURRENCY = 100;
const label = (variant) => `${variant} c=${CONCURRENCY}`;

await setup();

export default {
  description: `prepared single-row reads, ${CONCURRENCY} callers: outpools cassandra pool (20 workers) vs 20 cassandra-driver clients round-robin`,
  scenario: new URL('./scenario.mjs', import.meta.url),
  nodeArgs: [],
  runs: 3,
  timeoutMs: 120_000,
  cases: ['outpools', 'cassandra-driver'].map((v) => ({ label: label(v), args: [v, String(CONCURRENCY)] })),
  targets: {
    vs_cassandra_driver_rr: { min: 0.95, subject: label('outpools'), baseline: label('cassandra-driver') },
  },
  summarize: (m) => [
    `RESULT vs_cassandra_driver_rr=${ratio(m[label('outpools')]?.opsPerSec, m[label('cassandra-driver')]?.opsPerSec)}`,
  ],
};
