// One measurement: run a command `times` times in fresh Node processes, one after the other,
// and report the median wall time (spawn to exit) in ms.
//   node scenario.mjs check <times>   outpools check examples/outgoing-pools.toml (must exit 0)
//   node scenario.mjs floor <times>   node -e 0
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scenarioMain } from '../lib/load.mjs';
import { median } from '../lib/stats.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../packages/core/bin/outpools.js', import.meta.url));

function wallTimes(args, times) {
  const ms = [];
  // one unmeasured run first: the file system cache is warm for both variants alike
  for (let i = 0; i <= times; i++) {
    const t0 = performance.now();
    const run = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    const took = performance.now() - t0;
    if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr || run.stdout}`);
    if (i > 0) ms.push(took);
  }
  return { ms: median(ms), min: Math.min(...ms), max: Math.max(...ms), processes: ms.length };
}

await scenarioMain({
  check: async (times) => wallTimes([bin, 'check', 'examples/outgoing-pools.toml'], times),
  floor: async (times) => wallTimes(['-e', '0'], times),
});
