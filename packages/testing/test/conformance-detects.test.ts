// The conformance suite must fail for drivers that break its rules: run the broken fixtures
// (test/fixtures/broken-drivers.suite.ts) in a child vitest and read which tests failed.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'outpools-conformance-meta-'));
const report = join(dir, 'report.json');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Assertion {
  readonly ancestorTitles: readonly string[];
  readonly title: string;
  readonly status: string;
}
let results: Assertion[] = [];

beforeAll(async () => {
  await new Promise<void>((resolve) => {
    execFile(
      join(root, 'node_modules', '.bin', 'vitest'),
      [
        'run',
        '--config',
        'packages/testing/test/fixtures/vitest.meta.config.ts',
        '--reporter=json',
        `--outputFile=${report}`,
      ],
      { cwd: root, timeout: 90_000 },
      () => resolve(),
    );
  });
  const json = JSON.parse(readFileSync(report, 'utf8')) as { testResults: { assertionResults: Assertion[] }[] };
  results = json.testResults.flatMap((f) => f.assertionResults);
}, 120_000);

const failed = (group: string): string[] =>
  results.filter((r) => r.ancestorTitles[0] === group && r.status === 'failed').map((r) => r.title);

describe('the conformance suite detects broken drivers', () => {
  it('fails an open schema (unknown keys, a TLS section slip through) and a defaulted key marked Optional', () => {
    expect(failed('open').sort()).toEqual([
      'has a closed object schema whose defaulted keys are not optional',
      'rejects a TLS section at its path',
      'rejects an unknown connection key at its own path',
    ]);
  });

  it('fails a client that runs work as soon as it is built', () => {
    expect(failed('eager')).toEqual(['builds its client without running anything on the pool']);
  });

  it('fails a driver whose close leaves its socket open', () => {
    expect(failed('leaky')).toEqual(['closes every connection on stop and leaves no active handle']);
  });

  it('fails a driver that never reports a broken connection (it ignores ctx.lost)', () => {
    expect(failed('deaf')).toEqual([
      'serves on every worker again within the backoff bound, with no call hanging meanwhile',
    ]);
  });

  it('passes the same driver when it reports the broken connection', () => {
    expect(failed('heeding')).toEqual([]);
    const passed = results.filter((r) => r.ancestorTitles[0] === 'heeding' && r.status === 'passed');
    expect(passed.map((r) => r.title)).toContain(
      'serves on every worker again within the backoff bound, with no call hanging meanwhile',
    );
  });

  it('passes the rules those drivers keep', () => {
    const passed = results.filter((r) => r.status === 'passed').map((r) => `${r.ancestorTitles[0]}: ${r.title}`);
    expect(passed).toContain('leaky: reports no live worker without throwing, and stops cleanly');
    expect(passed).toContain('leaky: starts with every worker live');
    expect(passed.length).toBeGreaterThan(20);
  });
});
