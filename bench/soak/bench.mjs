// The soak: each pool type (redis, http) under 50 callers for minutes (BENCH_DURATION_MS,
// default 2 min), its connections reset from the server side every 5 s. One long run per case
// (a soak measures drift over time; a median of short runs would hide it).
// Headline (last line): `RESULT soak_flat=<yes|no> heap_growth_mb=<worst> fd_delta=<worst> handle_delta=<worst>`;
// flat = heap grew < 8 MB between the second and the last quarter, and no descriptor or handle
// was left after stop(), and every error was coded.
const TYPES = ['redis', 'http'];
const CALLERS = 50;
const HEAP_SLACK_MB = 8;

const fmt = (n) => (n === undefined ? 'n/a' : Number(n).toFixed(2));

export default {
  description: `memory and handles over minutes: ${CALLERS} callers, 5 workers, call_timeout 500 ms, connections reset every 5 s`,
  scenario: new URL('./scenario.mjs', import.meta.url),
  nodeArgs: ['--expose-gc'],
  runs: 1,
  timeoutMs: 30 * 60_000,
  cases: TYPES.map((t) => ({ label: t, args: [t, String(CALLERS)] })),
  summarize: (m) => {
    const lines = TYPES.map(
      (t) =>
        `RESULT soak_${t} calls=${m[t]?.calls ?? 'n/a'} errors=${m[t]?.errors ?? 'n/a'} uncoded=${m[t]?.uncoded ?? 'n/a'} ` +
        `faults=${m[t]?.faults ?? 'n/a'} worst_ms=${fmt(m[t]?.worstMs)} heap_growth_mb=${fmt(m[t]?.heapGrowthMb)} ` +
        `fds_during=${m[t]?.fdsDuring ?? 'n/a'} fd_delta=${m[t]?.fdDelta ?? 'n/a'} handle_delta=${m[t]?.handleDelta ?? 'n/a'}`,
    );
    const all = TYPES.map((t) => m[t]);
    if (all.some((x) => x === undefined)) return [...lines, 'RESULT soak_flat=n/a'];
    const growth = Math.max(...all.map((x) => x.heapGrowthMb));
    const fd = Math.max(...all.map((x) => x.fdDelta));
    const handles = Math.max(...all.map((x) => x.handleDelta));
    const flat = growth < HEAP_SLACK_MB && fd <= 0 && handles <= 0 && all.every((x) => x.uncoded === 0);
    return [
      ...lines,
      `RESULT soak_flat=${flat ? 'yes' : 'no'} heap_growth_mb=${fmt(growth)} fd_delta=${fd} handle_delta=${handles}`,
    ];
  },
};
