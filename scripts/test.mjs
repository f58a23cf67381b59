#!/usr/bin/env node
// The whole test suite: start the services the tests need, build, run vitest, and print the
// closing line `Tests: N passed, N failed` that CI reads. Exits non-zero when a test failed,
// when no test ran, or when a service could not be started.
//
// Usage: node scripts/test.mjs [vitest args...]   (pnpm test -- packages/core)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });

// Slow servers (Cassandra, Elasticsearch): `scripts/services/slow/<name>.sh start|wait|stop`.
// They start first, in the background, and boot while the rest runs; their tests wait for them.
const slowDir = join(root, 'scripts', 'services', 'slow');
const slowScripts = existsSync(slowDir)
  ? readdirSync(slowDir)
      .filter((f) => f.endsWith('.sh'))
      .sort()
  : [];
const stopSlow = () => {
  for (const name of slowScripts) run('bash', [join(slowDir, name), 'stop']);
};
const fail = (message) => {
  console.error(`[test] ${message}`);
  stopSlow();
  console.log('Tests: 0 passed, 1 failed');
  process.exit(1);
};
console.log(
  `[test] plan: start ${slowScripts.length} slow server(s) in the background (${slowScripts.map((f) => f.replace(/\.sh$/, '')).join(', ') || 'none'}), ` +
    'start the other test servers (installed from Debian packages when missing: a few minutes on a fresh machine), ' +
    'build, type-check, lint, then run every test (about 10-20 minutes here)',
);
for (const name of slowScripts) {
  console.log(`[test] slow service: ${name} start`);
  if (run('bash', [join(slowDir, name), 'start']).status !== 0) fail(`slow service ${name} failed to start`);
}

// 1. Services: every script in scripts/services/ is idempotent (checks its port first).
const servicesDir = join(root, 'scripts', 'services');
for (const name of readdirSync(servicesDir)
  .filter((f) => f.endsWith('.sh') && f !== 'lib.sh')
  .sort()) {
  console.log(`[test] service: ${name}`);
  const result = run('bash', [join(servicesDir, name)]);
  if (result.status !== 0) fail(`service script ${name} failed (exit ${result.status})`);
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
