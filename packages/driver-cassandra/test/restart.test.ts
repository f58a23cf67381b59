import { afterAll, describe, expect, it } from 'vitest';
import { CallTimeoutError, ConnectionLostError, NoWorkersError } from '@outpools/core';
import { cassandraDriver } from '@outpools/driver-cassandra';
import { failureKinds, recordUnhandled, startLoad, until, withReconnect } from '@outpools/testing';
import { startChild, type Child } from './helpers/child.js';
import { cassandraToml, clientOf, startPools } from './helpers/pools.js';
import { service, useCassandraAlone } from './helpers/server.js';

// call_timeout also bounds each connect: right after the restart the node is cold (its JIT has
// to warm up again) and a connect takes well over a second on a loaded two-core machine.
const CALL_TIMEOUT = 2000;
const BACKOFF = { kind: 'exponential', baseMs: 200, capMs: 1000 } as const;
/** How long the child may take to exit once its pools are stopped. */
const EXIT_DEADLINE_MS = 5000;

// The child starts a pool, waits for the node to go down and come back (its workers reconnect),
// stops the pool, and must then exit by itself.
const childScript = `
import { createPools, DriverRegistry, parseConfig } from '@outpools/core';
import { cassandraDriver } from '@outpools/driver-cassandra';

process.on('unhandledRejection', (e) => { console.log('UNHANDLED ' + String(e)); process.exitCode = 3; });
process.on('uncaughtException', (e) => { console.log('UNCAUGHT ' + String(e)); process.exit(4); });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const registry = new DriverRegistry([{ ...cassandraDriver, reconnect: () => (${JSON.stringify(BACKOFF)}) }]);
const toml = ${JSON.stringify(cassandraToml('child', { workers: 2, call_timeout: CALL_TIMEOUT }))};
const pools = createPools(parseConfig(toml, { registry }), { registry });
const report = await pools.start();
const client = pools.get(cassandraDriver, 'global', 'child');
console.log('live ' + report.instances[0].live);
const ok = (p) => p.then(() => true, () => false);
let state = 'up';
for (;;) {
  const poolOk = await ok(client.execute('SELECT release_version FROM system.local'));
  if (state === 'up' && !poolOk) { state = 'down'; console.log('down'); }
  else if (state === 'down' && poolOk && pools.stats()[0].workers.live === 2) { console.log('back'); break; }
  await sleep(100);
}
await pools.stop();
console.log('stopped');
// Should the process hang, say what holds it.
setTimeout(() => console.log('HELD ' + JSON.stringify(process.getActiveResourcesInfo())), 3000).unref();
`;

useCassandraAlone();

describe('a cassandra node stopped and restarted under load', () => {
  let child: Child | undefined;
  afterAll(async () => {
    child?.dispose();
    // Leave the node up for the other files whatever happened here.
    await service('start');
    await service('wait', '240');
  }, 300_000);

  it('settles every call within call_timeout + 100 ms, is live again afterwards, and a child process that lived through it exits by itself after stop', async () => {
    const unhandled = recordUnhandled();
    const { pools, report } = await startPools(
      cassandraToml('restart', { workers: 4, call_timeout: CALL_TIMEOUT }),
      withReconnect(cassandraDriver, BACKOFF),
    );
    try {
      expect(report.ok).toBe(true);
      const db = clientOf(pools, 'restart');
      child = await startChild(childScript);
      expect(await child.line('live', 30_000)).toBe('live 2');

      const load = startLoad(
        40,
        () => db.execute('SELECT release_version FROM system.local WHERE key = ?', ['local'], { consistency: 'one' }),
        { pauseAfterFailureMs: 20 },
      );
      const { outcomes } = load;
      await until(() => load.okCount() > 500, 10_000, 'load before the stop');

      const stopping = service('stop');
      await until(() => outcomes.some((o) => !o.ok), 20_000, 'failures once the node stops');
      await stopping;
      await until(() => pools.stats()[0]?.workers.live === 0, 5000, 'no live worker while the node is down');
      await child.line('down', 10_000);

      await service('start');
      await service('wait', '240');
      const upAt = performance.now();
      const okBefore = load.okCount();
      await until(
        () => pools.stats()[0]?.workers.live === 4 && load.okCount() > okBefore + 200,
        20_000,
        'every worker live and calls succeeding again',
      );
      const liveAfterMs = performance.now() - upAt;
      await load.stop();

      const slow = outcomes.filter((o) => o.ms > CALL_TIMEOUT + 100);
      expect(slow).toEqual([]);
      const failures = outcomes.filter((o) => !o.ok);
      expect(failures.length).toBeGreaterThan(0);
      const kinds = failureKinds(failures, { NoWorkersError, ConnectionLostError, CallTimeoutError });
      expect([...kinds].filter((k) => k.startsWith('unexpected'))).toEqual([]);
      expect(kinds.has('NoWorkersError')).toBe(true);
      expect(liveAfterMs).toBeLessThan(20_000);
      expect((await pools.health())[0]).toMatchObject({ ok: true });

      await child.line('back', 30_000);
      await child.line('stopped', 15_000);
      const code = await child.exited(EXIT_DEADLINE_MS);
      expect(child.lines.filter((l) => /UNHANDLED|UNCAUGHT|HELD/.test(l))).toEqual([]);
      expect(child.stderr()).toBe('');
      expect(code).toBe(0);
    } finally {
      await pools.stop();
      unhandled.uninstall();
    }
    expect(unhandled.errors).toEqual([]);
  }, 240_000);
});
