// The demo end to end: real pools against the in-process HTTP server and the embedded PostgreSQL,
// a load through every strategy, both servers restarted in the middle, the table, a clean stop.
import { describe, expect, it } from 'vitest';
import { DriverRegistry } from '@outpools/core';
import { runDemo, type DemoReport } from '@outpools/demo';
import { httpDriver } from '@outpools/driver-http';
import { rdbmsDriver } from '@outpools/driver-rdbms';
import { redisDriver } from '@outpools/driver-redis';
import { bundledFile, loadConfig } from '../src/config.js';
import { localPort } from '../src/local.js';

function capture() {
  let out = '';
  let err = '';
  return {
    io: { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), cwd: process.cwd() },
    out: () => out,
    err: () => err,
  };
}

describe('outpools demo', () => {
  it('drives every pool of examples/demo.toml, recovers from the servers restart and stops cleanly', async () => {
    const { io, out, err } = capture();
    let report: DemoReport | undefined;
    const started = performance.now();
    const code = await runDemo(['--duration-ms', '2500'], io, { tty: false, onReport: (r) => (report = r) });
    expect(err(), out()).toBe('');
    expect(code).toBe(0);
    expect(report).toBeDefined();
    const pools = report!.pools;
    expect(pools.map((p) => p.pool).sort()).toEqual([
      'http.available',
      'http.best',
      'http.next',
      'http.next_available',
      'http.random',
      'rdbms.events',
    ]);
    expect(new Set(pools.map((p) => p.strategy))).toEqual(
      new Set(['best_worker', 'random_worker', 'next_worker', 'available_worker', 'next_available_worker']),
    );
    for (const pool of pools) {
      expect(pool.calls, pool.pool).toBeGreaterThan(pool.errors);
      expect(pool.restarted, pool.pool).toBe(true);
      expect(pool.reconnects, pool.pool).toBeGreaterThanOrEqual(1);
      expect(pool.recoveredAfterS, pool.pool).not.toBeNull();
      expect(
        pool.workerShares.reduce((a, b) => a + b, 0),
        pool.pool,
      ).toBeGreaterThanOrEqual(97);
    }
    expect(report!.restart).not.toBeNull();
    // The table: a header and one row per pool, with its calls and its recovery time.
    const text = out();
    expect(text).toMatch(/^pool +strategy +calls +errors +p50 ms +p99 ms +calls per worker % +reconnects +recovered$/m);
    for (const pool of pools) {
      expect(text).toMatch(
        new RegExp(
          `^${pool.pool.replace('.', '\\.')} +${pool.strategy} +${pool.calls.toLocaleString('en-US')} .* \\d+\\.\\d s$`,
          'm',
        ),
      );
    }
    expect(text).toContain('stopping both servers');
    expect(text).toContain('every pool has all its workers live again');
    expect(text).toContain('Stopped cleanly');
    expect(text).toContain('Try next:');
    expect(text).not.toContain('\u001b[');
    expect(performance.now() - started).toBeLessThan(200_000);
  }, 240_000);

  it('refuses a pool type it cannot serve, naming the path', async () => {
    const { io, out, err } = capture();
    const dir = await import('node:fs/promises').then((fs) => fs.mkdtemp(`${process.cwd()}/.tmp-demo-`));
    const fs = await import('node:fs/promises');
    try {
      await fs.writeFile(
        `${dir}/bad.toml`,
        '[outgoing_pools.redis.cache]\n  [outgoing_pools.redis.cache.connection]\n    host = "127.0.0.1"\n',
      );
      const code = await runDemo(['--config', `${dir}/bad.toml`], io, { tty: false });
      expect(code).toBe(1);
      expect(err()).toContain('outgoing_pools.redis.cache: the demo serves only http pools and rdbms pools');
      expect(out()).not.toContain('Stopped cleanly');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('has a valid examples/demo-local.toml for --with-local, on the usual ports', async () => {
    const registry = new DriverRegistry([httpDriver, rdbmsDriver, redisDriver]);
    const config = await loadConfig(bundledFile('demo-local.toml'), process.cwd(), registry);
    expect(config.pools.map((p) => [`${p.type}.${p.tag}`, localPort(p.type, p.connection)])).toEqual([
      ['redis.local', 6379],
      ['rdbms.local_pg', 5432],
      ['rdbms.local_mariadb', 3306],
    ]);
  });

  it('prints its usage for --help and refuses an unknown flag', async () => {
    const help = capture();
    expect(await runDemo(['--help'], help.io)).toBe(0);
    expect(help.out()).toContain('Usage: outpools demo');
    const bad = capture();
    expect(await runDemo(['--wat'], bad.io)).toBe(2);
    expect(bad.err()).toContain('Usage: outpools demo');
  });
});
