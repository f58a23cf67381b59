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

// 1. Services: every script in scripts/services/ is idempotent (checks its port first).
const servicesDir = join(root, 'scripts', 'services');
for (const name of readdirSync(servicesDir).filter((f) => f.endsWith('.sh')).sort()) {
  console.log(`[test] service: ${name}`);
  const result = run('bash', [join(servicesDir, name)]);
  if (result.status !== 0) {
    console.error(`[test] service script ${name} failed (exit ${result.status})`);
    console.log('Tests: 0 passed, 1 failed');
    process.exit(1);
  }
}

// 2. Build (the CLI tests run the built `outpools` command).
const build = run('pnpm', ['run', '--silent', 'build']);
if (build.status !== 0) {
  console.error('[test] build failed');
  console.log('Tests: 0 passed, 1 failed');
  process.exit(1);
}

// 3. vitest, with a JSON report to count from.
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
console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
