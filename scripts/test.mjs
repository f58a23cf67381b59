#!/usr/bin/env node
// The whole test suite: start the services the tests need, build, run vitest, and print the
// closing line `Tests: N passed, N failed` that CI reads. Exits non-zero when a test failed,
// when no test ran, or when a service could not be started.
//
// Usage: node scripts/test.mjs [vitest args...]   (pnpm test -- packages/core)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { planLines, serviceScripts, slowScripts } from './services.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });

// Slow servers (Cassandra, Elasticsearch): `scripts/services/slow/<name>.sh start|wait|stop`.
// They start first, in the background, and boot while the rest runs; their tests wait for them.
const slow = slowScripts();
const stopSlow = () => {
  for (const s of slow) run('bash', [s.path, 'stop']);
};
const fail = (message) => {
  console.error(`[test] ${message}`);
  stopSlow();
  console.log('Tests: 0 passed, 1 failed');
  process.exit(1);
};

// What this command will install, start and run, and roughly how long it takes.
console.log(
  [
    '[test] plan: start the test servers (each script checks its port first; the slow ones boot in the background),',
    '       build (incremental: only what changed; 3-4 min of CPU when everything must be built), type-check, lint,',
    '       then every test (vitest; about 10-20 minutes here). The slow servers stop at the end; `pnpm services:stop`',
    '       stops the other private servers (the shared PostgreSQL, MariaDB, Redis and RabbitMQ are never stopped).',
    ...(await planLines()).map((line) => `[test] ${line}`),
  ].join('\n'),
);
for (const s of slow) {
  console.log(`[test] slow service: ${s.name} start`);
  if (run('bash', [s.path, 'start']).status !== 0) fail(`slow service ${s.name} failed to start`);
}

// 1. Services: every NN-name.sh in scripts/services/ (lib.sh is sourced by them, not run), in order.
for (const s of serviceScripts()) {
  console.log(`[test] service: ${s.name}`);
  const result = run('bash', [s.path]);
  if (result.status !== 0) fail(`service script ${s.name} failed (exit ${result.status})`);
}

// 2. Build (the CLI tests run the built `outpools` command).
if (run('pnpm', ['run', '--silent', 'build']).status !== 0) fail('build failed');

// 3. Static checks, each counted as one test: the type-checker over sources and tests, the linter.
const checks = [
  ['type-check', join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json', '--noEmit']],
  ['lint', join(root, 'node_modules', '.bin', 'biome'), ['ci', '--reporter=summary', '.']],
];
let checksPassed = 0;
let checksFailed = 0;
for (const [label, cmd, args] of checks) {
  console.log(`[test] ${label}`);
  if (run(cmd, args).status === 0) checksPassed += 1;
  else {
    checksFailed += 1;
    console.error(`[test] ${label} failed`);
  }
}

// 4. vitest, with a JSON report to count from.
const report = join(root, '.vitest-report.json');
rmSync(report, { force: true });
const vitest = run(join(root, 'node_modules', '.bin', 'vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
]);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests ?? 0;
  failed = (json.numFailedTests ?? 0) + (json.numRuntimeErrorTestSuites ?? 0);
  skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  // A test file that failed to load counts as a failure even though it has no test results.
  for (const file of json.testResults ?? []) {
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed += 1;
  }
} else {
  failed = 1;
}
if (vitest.status !== 0 && failed === 0) failed = 1;
stopSlow();
passed += checksPassed;
failed += checksFailed;
console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === checksPassed ? 1 : 0);
