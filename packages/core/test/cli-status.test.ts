import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../src/cli/main.js';
import { cliFolder } from './cli-run.js';

const plugin = fileURLToPath(new URL('./fixtures/status-plugin.mjs', import.meta.url));
const { dir, outpools, file } = cliFolder('outpools-cli-status-');

const SECRET = 's3cr3t-Pa55';

const healthy = file(
  'healthy.toml',
  `[general]
hosts = ["a.example", "b.example"]

[outgoing_pools.fake.main]
workers = 3

[outgoing_pools.fake.per_host]
scope = "host"
workers = 2
[outgoing_pools.fake.per_host.connection]
password = "${SECRET}"
`,
);

const withDead = file(
  'dead.toml',
  `[outgoing_pools.fake.main]
workers = 2

[outgoing_pools.fake.dead]
workers = 2
call_timeout = 500
[outgoing_pools.fake.dead.connection]
mode = "refuse"
password = "${SECRET}"
`,
);

describe('outpools status', () => {
  it('exits 0 and lists every instance with its live workers and a health round trip', async () => {
    const { code, stdout, stderr } = await outpools('status', healthy, '--plugin', plugin);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^fake\.main@global\s+3\/3\s+ok [\d.]+ ms$/m);
    expect(stdout).toMatch(/^fake\.per_host@a\.example\s+2\/2\s+ok/m);
    expect(stdout).toMatch(/^fake\.per_host@b\.example\s+2\/2\s+ok/m);
    expect(stdout).not.toContain(SECRET);
    expect(stdout.endsWith(`${healthy}: OK, 3 of 3 instances with a live worker\n`)).toBe(true);
  });

  it.each([
    ['an empty file', '', 'the file has no [outgoing_pools] section'],
    [
      'host-scoped pools with no host',
      '[outgoing_pools.fake.h]\nscope = "host"\n',
      'its pools are scoped to hosts (scope = "host") and no host is configured; set [general] hosts or pass --hosts a,b',
    ],
  ])('says it checked nothing and exits 1 for %s', async (_what, text, why) => {
    const path = file('nothing.toml', text);
    const { code, stdout, stderr } = await outpools('status', path, '--plugin', plugin);
    expect({ code, stdout, stderr }).toEqual({ code: 1, stdout: '', stderr: `${path}: nothing to check: ${why}\n` });
    const json = await outpools('status', path, '--json', '--plugin', plugin);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ ok: false, error: `${path}: nothing to check: ${why}`, instances: [] });
  });

  it('draws a progress line on a terminal while it waits, and erases it', async () => {
    const waiting = file('progress.toml', '[outgoing_pools.fake.wait]\nworkers = 1\nconnection = { ping_ms = 350 }\n');
    let stdout = '';
    let stderr = '';
    const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: dir, tty: true };
    expect(await main(['status', waiting, '--plugin', plugin], io)).toBe(0);
    expect(stderr).toContain('\r\u001b[Khealth round trip on 1 instance (');
    expect(stderr.endsWith('\r\u001b[K')).toBe(true);
    expect(stdout).not.toContain('\r');
    // Not on a pipe (the other tests): nothing on stderr.
    const piped = await outpools('status', waiting, '--plugin', plugin);
    expect(piped.stderr).toBe('');
  });

  it('prints the documented JSON document with --json', async () => {
    const { code, stdout } = await outpools('status', healthy, '--json', '--plugin', plugin);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { ok: boolean; instances: Record<string, unknown>[] };
    expect(report.ok).toBe(true);
    expect(report.instances).toHaveLength(3);
    for (const instance of report.instances) {
      expect(Object.keys(instance).sort()).toEqual(['health', 'instance', 'live', 'tag', 'type', 'workers']);
      expect(Object.keys(instance.health as object).sort()).toEqual(['error', 'ms', 'ok']);
    }
    expect(report.instances).toContainEqual({
      type: 'fake',
      tag: 'main',
      instance: 'global',
      live: 3,
      workers: 3,
      health: { ok: true, ms: expect.any(Number), error: null },
    });
  });

  it('exits 1 and explains a dead instance in one line without a stack trace or the password', async () => {
    const { code, stdout, stderr } = await outpools('status', withDead, '--plugin', plugin, '--wait-ms', '3000');
    expect(code).toBe(1);
    expect(stdout).toMatch(/^fake\.main@global\s+2\/2\s+ok/m);
    expect(stdout).toMatch(/^fake\.dead@global\s+0\/2\s+down$/m);
    const explanation = stdout.split('\n').filter((l) => l.startsWith('fake.dead@global:'));
    expect(explanation).toHaveLength(1);
    expect(explanation[0]).toContain('connection refused 127.0.0.1:1');
    expect(stdout.endsWith(`${withDead}: 1 of 2 instances with a live worker, 1 down\n`)).toBe(true);
    expect(`${stdout}${stderr}`).not.toContain(SECRET);
    expect(`${stdout}${stderr}`).not.toMatch(/\n\s+at /);
  });

  it('reports a dead instance in JSON with its error and ok false', async () => {
    const { code, stdout } = await outpools('status', withDead, '--json', '--plugin', plugin);
    expect(code).toBe(1);
    expect(stdout).not.toContain(SECRET);
    const report = JSON.parse(stdout) as {
      ok: boolean;
      instances: { tag: string; live: number; health: { ok: boolean; error: string } }[];
    };
    expect(report.ok).toBe(false);
    const dead = report.instances.find((i) => i.tag === 'dead');
    expect(dead).toMatchObject({ live: 0, health: { ok: false } });
    expect(dead?.health.error).toContain('connection refused');
    expect(dead?.health.error).toContain('***');
  });

  it('connects the pools of [[host_config]] sections, for their host only', async () => {
    const hostConfig = file(
      'host-config.toml',
      `[general]
hosts = ["a.example", "b.example"]

[outgoing_pools.fake.per_host]
scope = "host"
workers = 2

[[host_config]]
host = "a.example"
[host_config.outgoing_pools.fake.per_host]
workers = 1
[host_config.outgoing_pools.fake.distrib]
workers = 2
`,
    );
    const { code, stdout } = await outpools('status', hostConfig, '--plugin', plugin);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^fake\.per_host@a\.example\s+1\/1\s+ok/m);
    expect(stdout).toMatch(/^fake\.per_host@b\.example\s+2\/2\s+ok/m);
    expect(stdout).toMatch(/^fake\.distrib@a\.example\s+2\/2\s+ok/m);
    expect(stdout).not.toMatch(/^fake\.distrib@b\.example/m);
  });

  it('expands host-scoped pools over --hosts', async () => {
    const { code, stdout } = await outpools('status', healthy, '--json', '--hosts', 'x.example', '--plugin', plugin);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { instances: { tag: string; instance: string }[] };
    expect(report.instances.filter((i) => i.tag === 'per_host').map((i) => i.instance)).toEqual(['x.example']);
  });

  it('exits 1 with path: message lines for an invalid configuration', async () => {
    const bad = file('bad.toml', '[outgoing_pools.fake.main]\nworkers = "3"\n');
    const { code, stdout, stderr } = await outpools('status', bad, '--plugin', plugin);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^outgoing_pools\.fake\.main\.workers: /m);
  });

  it('exits 2 for usage errors: no file, an unreadable file, a bad --wait-ms', async () => {
    expect((await outpools('status')).code).toBe(2);
    expect(await outpools('status', join(dir, 'missing.toml'))).toEqual({
      code: 2,
      stdout: '',
      stderr: `outpools status: cannot read ${join(dir, 'missing.toml')}: no such file\n`,
    });
    const { code, stderr } = await outpools('status', healthy, '--wait-ms', 'soon', '--plugin', plugin);
    expect(code).toBe(2);
    expect(stderr).toContain('--wait-ms');
  });

  it('prints its usage with --help', async () => {
    const { code, stdout } = await outpools('status', '--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: outpools status <file>');
  });
});

describe('outpools bench', () => {
  /** `outpools bench <file> --pool <pool> <extra> --plugin <the fixture plugin>`. */
  const bench = (file: string, pool: string, ...extra: string[]): ReturnType<typeof outpools> =>
    outpools('bench', file, '--pool', pool, ...extra, '--plugin', plugin);
  const slow = file(
    'slow.toml',
    `[outgoing_pools.fake.slow]
workers = 2
[outgoing_pools.fake.slow.connection]
ping_ms = 2
`,
  );

  it('drives ping load through one pool and reports throughput and percentiles', async () => {
    const { code, stdout } = await bench(slow, 'fake.slow', '--duration-ms', '300', '--concurrency', '4');
    expect(code).toBe(0);
    expect(stdout).toContain('bench fake.slow@global: ping, 4 concurrent callers');
    expect(stdout).toMatch(/^throughput\s+[\d,]+ calls\/s$/m);
    expect(stdout).toMatch(/^latency\s+p50 [\d.]+ ms {2}p90 [\d.]+ ms {2}p99 [\d.]+ ms {2}max [\d.]+ ms$/m);
  });

  it('measures the latency of the calls it makes (a 2 ms ping takes at least 2 ms)', async () => {
    const { code, stdout } = await bench(slow, 'fake.slow', '--duration-ms', '300', '--concurrency', '2', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      ok: boolean;
      calls: number;
      failures: number;
      throughput: number;
      latencyMs: Record<string, number>;
    };
    expect(report).toMatchObject({ ok: true, failures: 0 });
    expect(report.calls).toBeGreaterThan(10);
    // 2 callers over 2 workers, each call >= 2 ms: at most ~1000 calls/s.
    expect(report.throughput).toBeLessThan(1100);
    expect(report.latencyMs.p50).toBeGreaterThanOrEqual(1.9);
    expect(report.latencyMs.p50).toBeLessThanOrEqual(report.latencyMs.p90!);
    expect(report.latencyMs.p90).toBeLessThanOrEqual(report.latencyMs.p99!);
    expect(report.latencyMs.p99).toBeLessThanOrEqual(report.latencyMs.max!);
  });

  it('exits 1 when the pool has no live worker', async () => {
    const { code, stderr, stdout } = await bench(withDead, 'fake.dead', '--duration-ms', '100', '--wait-ms', '2000');
    expect(code).toBe(1);
    expect(stderr).toContain('fake.dead@global: no live worker');
    expect(`${stdout}${stderr}`).not.toContain(SECRET);
  });

  it('exits 2 without --pool, with a malformed one, or with a pool the file does not have', async () => {
    expect((await outpools('bench', slow, '--plugin', plugin)).code).toBe(2);
    expect((await bench(slow, 'fake')).code).toBe(2);
    const { code, stderr } = await bench(slow, 'fake.other');
    expect(code).toBe(2);
    expect(stderr).toContain('no pool fake.other');
  });
});
