#!/usr/bin/env node
// Run one benchmark: `node bench/run.mjs <name> [--runs N] [--duration-ms N]`.
// `<name>` is a folder `bench/<name>/` with a `bench.mjs` definition (see bench/README.md).
// Benchmarks import the BUILT packages; this script runs `pnpm run build` when a dist is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { runBench } from './lib/harness.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const benchDir = join(root, 'bench');
const available = readdirSync(benchDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(benchDir, d.name, 'bench.mjs')))
  .map((d) => d.name);

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { runs: { type: 'string' }, 'duration-ms': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
} catch (error) {
  console.error(`bench: ${error.message}`);
  process.exit(2);
}
const name = parsed.positionals[0];
if (parsed.values.help || !name || !available.includes(name)) {
  console.error(`usage: node bench/run.mjs <${available.join('|')}> [--runs N] [--duration-ms N]`);
  process.exit(parsed.values.help ? 0 : 2);
}

// The benchmarks measure what users run: the built packages. Build when any dist is missing.
const missing = readdirSync(join(root, 'packages')).filter(
  (pkg) =>
    existsSync(join(root, 'packages', pkg, 'package.json')) &&
    !existsSync(join(root, 'packages', pkg, 'dist', 'index.js')),
);
if (missing.length > 0) {
  console.error(`[bench] building (no dist in ${missing.join(', ')})`);
  const build = spawnSync('pnpm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('[bench] build failed');
    process.exit(1);
  }
}

const env = {};
if (parsed.values['duration-ms']) env.BENCH_DURATION_MS = parsed.values['duration-ms'];
const runs = parsed.values.runs ? Math.max(1, Number(parsed.values.runs)) : undefined;

const { default: definition } = await import(pathToFileURL(join(benchDir, name, 'bench.mjs')).href);
console.log(`# bench ${name}: ${definition.description ?? ''}`);
console.log(`# node ${process.version}, ${runs ?? definition.runs ?? 3} runs per case, medians`);
const { lines } = await runBench(definition, { ...(runs && { runs }), env });
process.exit(lines.length > 0 && lines.at(-1).includes('=n/a') ? 1 : 0);
