// The ldap benchmark: base-scope searches from 100 concurrent callers, through a 10-worker
// outpools ldap pool vs 10 ldapts clients used round-robin directly, same server, same run.
// Headline (last line): `RESULT vs_ldapts_rr=<outpools ops/s ÷ ldapts ops/s>`, target >= 0.95.
import { ratio } from '../lib/stats.mjs';

const CONCURRENCY = 100;
const label = (variant) => `${variant} c=${CONCURRENCY}`;

export default {
  description: `base-scope searches, ${CONCURRENCY} callers: outpools ldap pool (10 workers) vs 10 ldapts clients round-robin`,
  scenario: new URL('./scenario.mjs', import.meta.url),
  nodeArgs: [],
  runs: 3,
  timeoutMs: 120_000,
  cases: ['outpools', 'ldapts'].map((v) => ({ label: label(v), args: [v, String(CONCURRENCY)] })),
  targets: { vs_ldapts_rr: { min: 0.95, subject: label('outpools'), baseline: label('ldapts') } },
  summarize: (m) => [`RESULT vs_ldapts_rr=${ratio(m[label('outpools')]?.opsPerSec, m[label('ldapts')]?.opsPerSec)}`],
};
