// The check benchmark: wall time of `outpools check examples/outgoing-pools.toml` (the built CLI,
// every installed driver loaded, no client library) in fresh processes, against the floor of a
// Node process that does nothing (`node -e 0`), same run.
// Headline (last line): `RESULT check_ms=<median> floor_ms=<median> vs_floor=<ratio>`, goal <= 2.
const TIMES = 7;

export default {
  description: `outpools check examples/outgoing-pools.toml vs node -e 0, median wall time of ${TIMES} fresh processes per run`,
  scenario: new URL('./scenario.mjs', import.meta.url),
  nodeArgs: [],
  runs: 3,
  timeoutMs: 120_000,
  cases: [
    { label: 'check', args: ['check', String(TIMES)] },
    { label: 'floor', args: ['floor', String(TIMES)] },
  ],
  // Board target (bench/board.mjs): wall time of check over the floor's.
  targets: { vs_floor: { max: 2, subject: 'check', baseline: 'floor', metric: 'ms' } },
  summarize: (m) => {
    const check = m.check?.ms;
    const floor = m.floor?.ms;
    const ok = typeof check === 'number' && typeof floor === 'number' && floor > 0;
    return [
      ok
        ? `RESULT check_ms=${check.toFixed(1)} floor_ms=${floor.toFixed(1)} vs_floor=${(check / floor).toFixed(2)}`
        : 'RESULT check_ms=n/a floor_ms=n/a vs_floor=n/a',
    ];
  },
};
