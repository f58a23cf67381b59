// pools.reload() against the real PostgreSQL and Redis servers (the shared ones, never restarted):
// calls keep flowing across a reload and none fails because of it; an unchanged pool keeps its
// connections, a changed one gets new ones before the old ones drain and close, a removed one
// closes, an added one connects. Then reloadOnSignal() in a child process driven by SIGHUP.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPools, DriverRegistry, parseConfig } from '@outpools/core';
import { rdbmsDriver } from '@outpools/driver-rdbms';
import { redisDriver } from '@outpools/driver-redis';
import { recordUnhandled, startLoad, until } from '@outpools/testing';
import { startBundledChild } from './helpers/child-bundle.js';

const dir = mkdtempSync(join(tmpdir(), 'outpools-reload-live-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PG = `driver = "pgsql"
host = "127.0.0.1"
database = "test"
username = "outpools"
password = "outpools-test-pw"`;

/** The PostgreSQL pool `rdbms.default` with `workers` workers. */
const rdbms = (workers: number): string => `
[outgoing_pools.rdbms.default]
workers = ${workers}
call_timeout = 10000
[outgoing_pools.rdbms.default.connection]
${PG}
`;

const v1 = `${rdbms(3)}
[outgoing_pools.redis.default]
workers = 2
call_timeout = 10000

[outgoing_pools.redis.gone]
workers = 1
call_timeout = 10000
`;

// rdbms.default changes (4 workers), redis.default stays, redis.gone goes, redis.added comes.
const v2 = `${rdbms(4)}
[outgoing_pools.redis.default]
call_timeout = 10000
workers = 2

[outgoing_pools.redis.added]
workers = 1
call_timeout = 10000
[outgoing_pools.redis.added.connection]
database = 1
`;

describe('reload against PostgreSQL and Redis', () => {
  it('keeps every call succeeding across a reload that changes, keeps, removes and adds pools', async () => {
    const registry = new DriverRegistry([rdbmsDriver, redisDriver]);
    const pools = createPools(parseConfig(v1, { registry }), { registry });
    const unhandled = recordUnhandled();
    try {
      const started = await pools.start();
      expect(started.ok).toBe(true);
      const db = pools.get(rdbmsDriver, 'global', 'default');
      const redis = pools.get(redisDriver, 'global', 'default');
      const gone = pools.get(redisDriver, 'global', 'gone');
      const pid = async (): Promise<number> => Number((await db.query('SELECT pg_backend_pid() AS pid')).rows[0]?.pid);
      const redisIds = async (): Promise<Set<number>> => {
        const ids = new Set<number>();
        for (let i = 0; i < 20; i++) ids.add(await redis.command<number>('CLIENT', 'ID'));
        return ids;
      };
      const oldPids = new Set(await Promise.all([pid(), pid(), pid()]));
      const oldRedisIds = await redisIds();

      let swapped = false;
      pools.events.on('reload', () => {
        swapped = true;
      });
      // Steady load on each pool; the removed one's callers stop when the reload swaps pools.
      const key = `outpools-reload-${process.pid}`;
      const sqlLoad = startLoad(6, (caller, n) =>
        db.query('SELECT pg_sleep(0.01), $1::int AS n', [caller * 100000 + n]).then((r) => {
          if (Number(r.rows[0]?.n) !== caller * 100000 + n) throw new Error('wrong row');
        }),
      );
      const redisLoad = startLoad(4, (caller, n) =>
        n % 2 === 0 ? redis.set(`${key}:${caller}`, String(n)) : redis.get(`${key}:${caller}`),
      );
      // Callers of the pool the reload removes: each stops at the swap (a call after it would be
      // refused on purpose); every call made before it must succeed, finishing during the drain.
      const goneOutcomes: boolean[] = [];
      const goneCallers = Array.from({ length: 2 }, async () => {
        while (!swapped)
          goneOutcomes.push(
            await gone.ping().then(
              () => true,
              () => false,
            ),
          );
      });
      // A long statement in flight across the swap: it finishes on its old connection.
      const long = db.query('SELECT pg_sleep(0.5), pg_backend_pid() AS pid');
      await until(() => sqlLoad.okCount() > 30 && redisLoad.okCount() > 30, 20_000, 'load before the reload');

      const report = await pools.reload(parseConfig(v2, { registry }));
      const sqlAtSwap = sqlLoad.okCount();
      await until(() => sqlLoad.okCount() > sqlAtSwap + 30, 20_000, 'load after the reload');
      await Promise.all([sqlLoad.stop(), redisLoad.stop(), ...goneCallers]);

      const failures = [...sqlLoad.outcomes, ...redisLoad.outcomes].filter((o) => !o.ok);
      expect(failures.map((f) => String(f.error))).toEqual([]);
      expect(goneOutcomes.length).toBeGreaterThan(0);
      expect(goneOutcomes.every(Boolean)).toBe(true);
      expect(oldPids.has(Number((await long).rows[0]?.pid))).toBe(true);

      const k = (type: string, tag: string) => ({ type, host: 'global', tag });
      expect(report).toMatchObject({
        added: [k('redis', 'added')],
        changed: [k('rdbms', 'default')],
        removed: [k('redis', 'gone')],
        unchanged: [k('redis', 'default')],
      });
      // The changed pool runs on new backends; the old ones are gone from the server.
      const newPids = new Set(await Promise.all([pid(), pid(), pid(), pid()]));
      expect([...newPids].some((p) => oldPids.has(p))).toBe(false);
      const stillThere = await db.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY($1::int[])', [
        `{${[...oldPids].join(',')}}`,
      ]);
      expect(stillThere.rows[0]?.n).toBe(0);
      // The unchanged pool kept its Redis connections.
      expect(await redisIds()).toEqual(oldRedisIds);
      // The added pool works, on database 1.
      const added = pools.get(redisDriver, 'global', 'added');
      await added.set(`${key}:added`, 'yes', { ex: 30 });
      expect(await added.get(`${key}:added`)).toBe('yes');
      expect(await redis.get(`${key}:added`)).toBe(null);
      await redis.del(...Array.from({ length: 4 }, (_, c) => `${key}:${c}`));
      await added.del(`${key}:added`);
      expect(unhandled.errors).toEqual([]);
    } finally {
      unhandled.uninstall();
      await pools.stop();
    }
  }, 90_000);

  it('reloads on SIGHUP in a child process: an added and a removed pool, then a bad file that changes nothing', async () => {
    const file = join(dir, 'pools.toml');
    writeFileSync(file, '[outgoing_pools.redis.default]\nworkers = 1\n[outgoing_pools.redis.old]\nworkers = 1\n');
    const child = await startBundledChild(
      `
import { createPools, DriverRegistry, loadConfigFile } from '@outpools/core';
import { redisDriver } from '@outpools/driver-redis';

process.on('unhandledRejection', (e) => { console.log('UNHANDLED ' + String(e)); process.exitCode = 3; });
const file = process.argv[2];
const registry = new DriverRegistry([redisDriver]);
const pools = createPools(await loadConfigFile(file, { registry }), { registry });
const tags = () => pools.keys().map((k) => k.tag).join(',');
const pingAll = () => Promise.all(pools.keys().map((k) => pools.get(redisDriver, k.host, k.tag).ping()));
pools.events.on('reload', async (e) => {
  console.log('RELOAD ' + JSON.stringify({ added: e.added.map((k) => k.tag), removed: e.removed.map((k) => k.tag), tags: tags() }));
});
pools.events.on('reload_failed', async (e) => {
  const pongs = await pingAll();
  console.log('FAILED ' + JSON.stringify({ paths: e.issues.map((i) => i.path), tags: tags(), pongs }));
});
await pools.start();
const reloader = pools.reloadOnSignal(file);
process.on('SIGTERM', async () => {
  reloader.close();
  await pools.stop();
  console.log('STOPPED');
});
console.log('READY ' + tags());
`,
      [file],
      { packages: ['driver-redis', 'driver-rdbms'], requireShim: true },
    );
    try {
      expect(await child.line('READY', 30_000)).toBe('READY default,old');
      writeFileSync(file, '[outgoing_pools.redis.default]\nworkers = 1\n[outgoing_pools.redis.new]\nworkers = 1\n');
      child.process.kill('SIGHUP');
      const reloaded = JSON.parse((await child.line('RELOAD', 30_000)).slice('RELOAD '.length));
      expect(reloaded).toEqual({ added: ['new'], removed: ['old'], tags: 'default,new' });

      writeFileSync(
        file,
        '[outgoing_pools.redis.default]\nworkers = 0\n[outgoing_pools.redis.new.connection]\nport = "x"\n',
      );
      child.process.kill('SIGHUP');
      const failed = JSON.parse((await child.line('FAILED', 30_000)).slice('FAILED '.length));
      expect(failed).toEqual({
        paths: ['outgoing_pools.redis.default.workers', 'outgoing_pools.redis.new.connection.port'],
        tags: 'default,new',
        pongs: ['PONG', 'PONG'],
      });

      child.process.kill('SIGTERM');
      expect(await child.exited(30_000)).toBe(0);
      expect(child.lines.at(-1)).toBe('STOPPED');
      expect(child.lines.some((l) => l.startsWith('UNHANDLED'))).toBe(false);
    } finally {
      child.dispose();
    }
  }, 120_000);
});
