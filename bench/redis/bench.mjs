// The redis benchmark: GET/SET alternating from 100 and from 1,000 concurrent callers, through an
// outpools redis pool with its recommended settings (auto-pipelined workers) vs ONE ioredis client
// with `enableAutoPipelining` and vs 10 ioredis clients round-robin, same server, same run.
// Headline (last line, 100 callers): `RESULT vs_ioredis_autopipeline_1conn=<x> vs_ioredis_rr=<x>`
// (outpools ops/s ÷ theirs), targets >= 1.0 and >= 1.5; the line before it: the same at 1,000 callers.
// The worker sweep behind the recommendation: `BENCH_REDIS_SWEEP=1 node bench/run.mjs redis`.
import { ratio } from '../lib/stats.mjs';

const CONCURRENCIES = [100, 1000];
const SWEEP = process.env.BENCH_REDIS_SWEEP === '1' ? ['outpools-w1', 'outpools-w4', 'outpools-noauto'] : [];
const VARIANTS = ['outpools', 'ioredis-autopipeline-1conn', 'ioredis-rr', ...SWEEP];
const label = (variant, c) => `${variant} c=${c}`;
const ops = (m, variant, c) => m[label(variant, c)]?.opsPerSec;
const line = (m, c, suffix) =>
  `RESULT vs_ioredis_autopipeline_1conn${suffix}=${ratio(ops(m, 'outpools', c), ops(m, 'ioredis-autopipeline-1conn', c))} ` +
  `vs_ioredis_rr${suffix}=${ratio(ops(m, 'outpools', c), ops(m, 'ioredis-rr', c))}`;

export default {
  description:
    'GET/SET alternating, 100 and 1,000 callers: outpools redis pool (auto-pipelined) vs one auto-pipelined ioredis client and 10 ioredis clients round-robin',
  scenario: new URL('./scenario.mjs', import.meta.url),
  nodeArgs: [],
  runs: 3,
  timeoutMs: 120_000,
  cases: CONCURRENCIES.flatMap((c) => VARIANTS.map((v) => ({ label: label(v, c), args: [v, String(c)] }))),
  // Board targets (bench/board.mjs).
  targets: Object.fromEntries(
    CONCURRENCIES.flatMap((c) => {
      const suffix = c === 100 ? '' : `_c${c}`;
      return [
        [
          `vs_ioredis_autopipeline_1conn${suffix}`,
          { min: 1.0, subject: label('outpools', c), baseline: label('ioredis-autopipeline-1conn', c) },
        ],
        [`vs_ioredis_rr${suffix}`, { min: 1.5, subject: label('outpools', c), baseline: label('ioredis-rr', c) }],
      ];
    }),
  ),
  summarize: (m) => [line(m, 1000, '_c1000'), line(m, 100, '')],
};
