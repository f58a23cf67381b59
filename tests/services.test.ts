// The test services' runner: which scripts are services, what `pnpm services:stop` stops (listed
// with --dry-run: the real stop would take the private servers away from work running on this
// machine), and the pid-file stop helper, tried on a scratch process.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without declarations
import { serviceScripts, slowScripts } from '../scripts/services.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const lib = join(root, 'scripts', 'services', 'lib.sh');

describe('service scripts', () => {
  it('runs only the numbered NN-name.sh scripts, never lib.sh', () => {
    const names = (serviceScripts() as { name: string }[]).map((s) => s.name);
    expect(names).not.toContain('lib.sh');
    expect(names.length).toBeGreaterThanOrEqual(6);
    for (const name of names) expect(name).toMatch(/^\d\d-[\w.-]+\.sh$/);
    expect(names).toEqual([...names].sort());
    for (const s of [...serviceScripts(), ...slowScripts()] as { name: string; ports: number[]; summary: string }[]) {
      expect(s.ports.length, s.name).toBeGreaterThan(0);
      expect(s.summary, s.name).not.toBe(s.name);
    }
  });

  it('services:stop --dry-run lists every private server and leaves the shared ones alone', () => {
    const result = spawnSync(process.execPath, [join(root, 'scripts', 'services.mjs'), 'stop', '--dry-run'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    const out = result.stdout;
    for (const name of [
      'mariadb-tls (127.0.0.1:33307)',
      'pg-tls (127.0.0.1:55433)',
      'redis-extra (127.0.0.1:16390',
      'rabbit-tls node outpools-tls@localhost',
      'ldap slapd (127.0.0.1:13389',
      'slow/cassandra.sh',
      'slow/elastic.sh',
    ]) {
      expect(out).toMatch(new RegExp(`^${name.replace(/[().]/g, '\\$&')}.*: (would stop|not running)`, 'm'));
    }
    expect(out).toContain('are shared: left running');
    // Nothing of the shared servers: their ports and the shared RabbitMQ node are never named.
    for (const line of out.split('\n').filter((l) => l.includes('would stop'))) {
      expect(line).not.toMatch(/[:\s](5432|3306|6379|5672)\b|rabbit@localhost/);
    }
    expect(out).not.toMatch(/stopped/);
  }, 180_000);
});

describe('stop_pid_file', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function scratch(): { dir: string; pid: number; alive: () => boolean } {
    const dir = mkdtempSync(join(tmpdir(), 'outpools-stop-'));
    dirs.push(dir);
    const child = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
    child.unref();
    const pid = child.pid!;
    writeFileSync(join(dir, 'scratch.pid'), `${pid}\n`);
    return {
      dir,
      pid,
      alive: () => {
        const stat = existsSync(`/proc/${pid}/stat`)
          ? spawnSync('cat', [`/proc/${pid}/stat`], { encoding: 'utf8' }).stdout
          : '';
        return stat !== '' && !/\) Z /.test(stat);
      },
    };
  }

  const stopWith = (dir: string, expect: string, env: Record<string, string> = {}) =>
    spawnSync('bash', ['-c', `source "${lib}"; stop_pid_file "${dir}/scratch.pid" ${expect} scratch`], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });

  it('stops the process of a pid file whose command matches', () => {
    const s = scratch();
    const result = stopWith(s.dir, 'sleep');
    expect(result.stdout).toBe(`scratch: stopped (pid ${s.pid})\n`);
    expect(s.alive()).toBe(false);
  }, 60_000);

  it('with DRY_RUN=1 only says what it would stop', () => {
    const s = scratch();
    const result = stopWith(s.dir, 'sleep', { DRY_RUN: '1' });
    expect(result.stdout).toMatch(new RegExp(`^scratch: would stop pid ${s.pid} \\(sleep 300`));
    expect(s.alive()).toBe(true);
    process.kill(s.pid);
  });

  it('leaves alone a process whose command does not match (a stale pid file)', () => {
    const s = scratch();
    const result = stopWith(s.dir, 'redis-server');
    expect(result.stdout).toBe('scratch: not running\n');
    expect(s.alive()).toBe(true);
    process.kill(s.pid);
  });
});
