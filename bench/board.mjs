#!/usr/bin/env node
// The benchmark board: `pnpm bench` runs every benchmark under bench/ (each folder with a
// bench.mjs), prints one table of every RESULT figure with its target, whether it holds, the
// spread of its baseline's runs and the client CPU per operation, and writes the same as JSON
// (bench/results/latest.json) so that two runs can be compared.
//
//   pnpm bench [--runs N] [--duration-ms N] [--only a,b] [--skip a,b] [--out file]
//              [--compare earlier.json] [--from board.json] [--strict]
//
// --from renders a saved board instead of running (with --compare: compare two saved boards).
// --strict exits 1 when a target is missed (a failed bench or an n/a figure always does).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { benchFigures, boardDocument, compareFigures, figuresOf, formatBoard } from './lib/board.mjs';
import { runBench } from './lib/harness.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const benchDir = join(root, 'bench');

let parsed;
try {
  parsed = parseArgs({
    options: {
      runs: { type: 'string' },
      'duration-ms': { type: 'string' },
      only: { type: 'string' },
      skip: { type: 'string' },
      out: { type: 'string' },
      compare: { type: 'string' },
      from: { type: 'string' },
      strict: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (error) {
  console.error(`bench: ${error.message}`);
  process.exit(2);
}
const options = parsed.values;
if (options.help) {
  console.log(
    'usage: pnpm bench [--runs N] [--duration-ms N] [--only a,b] [--skip a,b] [--out file] [--compare file] [--from file] [--strict]',
  );
  process.exit(0);
}

const readBoard = (file) => JSON.parse(readFileSync(resolve(file), 'utf8'));
let previous;
if (options.compare) {
  try {
    previous = figuresOf(readBoard(options.compare));
  } catch (error) {
    console.error(`bench: --compare ${options.compare}: ${error.message}`);
    process.exit(2);
  }
}

function show(rows) {
  console.log(formatBoard(previous ? compareFigures(rows, previous) : rows));
  const broken = rows.some((r) => r.error !== undefined || r.value === null);
  const missed = rows.some((r) => r.holds === false);
  return broken || (options.strict && missed) ? 1 : 0;
}

if (options.from) {
  let rows;
  try {
    rows = figuresOf(readBoard(options.from));
  } catch (error) {
    console.error(`bench: --from ${options.from}: ${error.message}`);
    process.exit(2);
  }
  process.exit(show(rows));
}

const list = (text) =>
  text
    ? text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
const only = list(options.only);
const skip = list(options.skip) ?? [];
const available = readdirSync(benchDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(benchDir, d.name, 'bench.mjs')))
  .map((d) => d.name)
  .sort();
const unknown = [...(only ?? []), ...skip].filter((n) => !available.includes(n));
if (unknown.length > 0) {
  console.error(`bench: no benchmark ${unknown.join(', ')} (have ${available.join(', ')})`);
  process.exit(2);
}
const names = available.filter((n) => (only === undefined || only.includes(n)) && !skip.includes(n));

// The benchmarks measure the built packages: build when any dist is missing.
const missing = readdirSync(join(root, 'packages')).filter(
  (pkg) =>
    existsSync(join(root, 'packages', pkg, 'package.json')) &&
    !existsSync(join(root, 'packages', pkg, 'dist', 'index.js')),
);
if (missing.length > 0) {
  console.error(`[board] building (no dist in ${missing.join(', ')})`);
  if (spawnSync('pnpm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' }).status !== 0) {
    console.error('[board] build failed');
    process.exit(1);
  }
}

const env = {};
if (options['duration-ms']) env.BENCH_DURATION_MS = options['duration-ms'];
const runs = options.runs ? Math.max(1, Number(options.runs)) : undefined;
const started = Date.now();
const tty = process.stderr.isTTY === true;
const elapsed = () => {
  const s = Math.round((Date.now() - started) / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
const say = (text) => process.stderr.write(tty ? `\r\x1b[2K${text}` : `${text}\n`);

const rows = [];
const benches = [];
for (const [index, name] of names.entries()) {
  const head = `[board ${index + 1}/${names.length} ${name}]`;
  say(`${head} preparing ${elapsed()}`);
  const envBefore = { ...process.env };
  let definition;
  let result;
  try {
    ({ default: definition } = await import(pathToFileURL(join(benchDir, name, 'bench.mjs')).href));
    result = await runBench(definition, {
      ...(runs && { runs }),
      env,
      log: () => {},
      progress: ({ label, round, runs: total, done, total: all }) =>
        say(`${head} ${label} (run ${round}/${total}, ${done + 1} of ${all}) ${elapsed()}`),
    });
  } catch (error) {
    result = { error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  } finally {
    // A bench may set variables for its children (a server port, a duration): not for the next one.
    for (const key of Object.keys(process.env)) if (!(key in envBefore)) delete process.env[key];
    Object.assign(process.env, envBefore);
  }
  const figures = benchFigures(name, definition?.targets, result);
  rows.push(...figures);
  benches.push({
    name,
    description: definition?.description ?? '',
    ...(result.error !== undefined
      ? { error: result.error }
      : { lines: result.lines, medians: result.medians, samples: result.samples }),
  });
}
if (tty) process.stderr.write('\r\x1b[2K');
console.error(`[board] ${names.length} benchmarks in ${elapsed()}`);

const out = resolve(options.out ?? join(benchDir, 'results', 'latest.json'));
mkdirSync(dirname(out), { recursive: true });
const document = boardDocument({
  date: new Date().toISOString(),
  node: process.version,
  options: { runs: runs ?? null, durationMs: env.BENCH_DURATION_MS ? Number(env.BENCH_DURATION_MS) : null, names },
  benches,
  rows,
});
writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
console.log(
  `# benchmark board, node ${process.version}, ${runs ?? 'default'} runs per case, medians of fresh processes`,
);
const code = show(rows);
console.log(`# written to ${out}`);
process.exit(code);
