// The elastic benchmark: term searches from 100 concurrent callers, through a 10-worker outpools
// elastic pool vs one @elastic/elasticsearch client with its own undici pool of 10 connections,
// same node (https, basic auth), same run.
// Headline (last line): `RESULT vs_elastic_client=<outpools ops/s ÷ client ops/s>`, target >= 0.95.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ratio } from '../lib/stats.mjs';

const CONCURRENCY = 100;
const label = (variant) => `${variant} c=${CONCURRENCY}`;

// The test node of scripts/services/slow/elastic.sh (idempotent start; waits until it answers).
const script = fileURLToPath(new URL('../../scripts/services/slow/elastic.sh', import.meta.url));
execFileSync('bash', [script, 'start'], { stdio: 'ignore' });
execFileSync('bash', [script, 'wait', '300'], { stdio: ['ignore', 'ignore', 'inherit'] });

export default {
  description: `term searches, ${CONCURRENCY} callers: outpools elastic pool (10 workers) vs one @elastic/elasticsearch client with 10 connections`,
  scenario: new URL('./scenario.mjs', import.meta.url),
  nodeArgs: [],
  runs: 5,
  timeoutMs: 120_000,
  cases: ['outpools', 'client'].map((v) => ({ label: label(v), args: [v, String(CONCURRENCY)] })),
  targets: { vs_elastic_client: { min: 0.95, subject: label('outpools'), baseline: label('client') } },
  summarize: (m) => [
    `RESULT vs_elastic_client=${ratio(m[label('outpools')]?.opsPerSec, m[label('client')]?.opsPerSec)}`,
  ],
};
