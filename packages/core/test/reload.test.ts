// pools.reload(): instances matched by (type, host, tag); unchanged ones keep their connections,
// changed ones are replaced before the old ones drain, removed ones drain and close; a bad file
// changes nothing. (Against real servers: tests/reload-live.test.ts.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  createPools,
  DriverRegistry,
  parseConfig,
  type Pools,
  type PoolsOptions,
  PoolNotFoundError,
  PoolStartError,
  type ReloadEvent,
  type ReloadFailedEvent,
} from '@outpools/core';
import { createFakeDriver, type FakeDriver } from '@outpools/testing';

const dir = mkdtempSync(join(tmpdir(), 'outpools-reload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fake driver, a parser with its registry, and pools (not started) from {@link BEFORE}. */
function setup(options: Omit<PoolsOptions, 'registry'> = {}): {
  fake: FakeDriver;
  parse: (t: string) => ReturnType<typeof parseConfig>;
  pools: Pools;
} {
  const fake = createFakeDriver();
  const registry = new DriverRegistry([fake.driver]);
  const parse = (t: string): ReturnType<typeof parseConfig> => parseConfig(t, { registry });
  return { fake, parse, pools: createPools(parse(BEFORE), { registry, ...options }) };
}

const BEFORE = `
[outgoing_pools.fake.keep]
workers = 2
[outgoing_pools.fake.change]
workers = 2
connection.label = "a"
[outgoing_pools.fake.gone]
workers = 1
`;
const AFTER = `
[outgoing_pools.fake.added]
workers = 1
[outgoing_pools.fake.change]
workers = 2
connection.label = "b"
[outgoing_pools.fake.keep]
workers = 2
`;

describe('pools.reload', () => {
  it('keeps unchanged instances, replaces changed ones before draining them, starts added ones, closes removed ones', async () => {
    const { fake, parse, pools } = setup();
    const events: ReloadEvent[] = [];
    pools.events.on('reload', (e) => events.push(e));
    try {
      await pools.start();
      const keepPool = pools.pool('fake', 'global', 'keep');
      const keepClient = pools.get(fake.driver, 'global', 'keep');
      const changeClient = pools.get(fake.driver, 'global', 'change');
      const goneClient = pools.get(fake.driver, 'global', 'gone');
      const oldConnections = new Set(fake.connections.map((c) => c.id));
      // Calls in flight across the reload, on the instances it replaces and removes.
      const inFlight = [
        changeClient.call('c1', { latencyMs: 150 }),
        changeClient.call('c2', { latencyMs: 150 }),
        goneClient.call('g1', { latencyMs: 150 }),
      ];
      const report = await pools.reload(parse(AFTER));
      const done = await Promise.all(inFlight);
      expect(done.map((r) => r.value)).toEqual(['c1', 'c2', 'g1']);
      expect(done.every((r) => oldConnections.has(r.connectionId))).toBe(true);

      const key = (tag: string) => ({ type: 'fake', host: 'global', tag });
      expect(report).toMatchObject({
        added: [key('added')],
        changed: [key('change')],
        removed: [key('gone')],
        unchanged: [key('keep')],
      });
      expect(report.instances.map((i) => [i.key.tag, i.live])).toEqual([
        ['added', 1],
        ['change', 2],
      ]);
      expect(events).toEqual([
        { added: [key('added')], changed: [key('change')], removed: [key('gone')], unchanged: [key('keep')] },
      ]);
      expect(pools.keys().map((k) => k.tag)).toEqual(['added', 'change', 'keep']);

      // Unchanged: the same objects and the same open connections.
      expect(pools.pool('fake', 'global', 'keep')).toBe(keepPool);
      expect(pools.get(fake.driver, 'global', 'keep')).toBe(keepClient);
      const keepResult = await keepClient.call('k');
      expect(oldConnections.has(keepResult.connectionId)).toBe(true);
      expect(fake.connections.filter((c) => c.closed).length).toBe(3); // change's 2 and gone's 1

      // Changed: a client got before the reload now calls the new instance.
      const after = await changeClient.call('c3');
      expect(oldConnections.has(after.connectionId)).toBe(false);
      expect(pools.get(fake.driver, 'global', 'change')).not.toBe(changeClient);

      // Removed: not found any more; its old client reports the stop.
      expect(() => pools.pool('fake', 'global', 'gone')).toThrow(PoolNotFoundError);
      await expect(goneClient.call('g2')).rejects.toMatchObject({ code: 'OUTPOOLS_POOL_STOPPED' });
    } finally {
      await pools.stop();
    }
    expect(fake.connections.every((c) => c.closed)).toBe(true);
  });

  it('refuses a bad file with every error, publishes reload_failed, and changes nothing', async () => {
    const { fake, pools } = setup();
    const failures: ReloadFailedEvent[] = [];
    pools.events.on('reload_failed', (e) => failures.push(e));
    try {
      await pools.start();
      const before = pools.keys().map((k) => pools.pool(k.type, k.host, k.tag));
      const file = join(dir, 'bad.toml');
      writeFileSync(file, '[outgoing_pools.fake.keep]\nworkers = 0\nwrokers = 2\n[outgoing_pools.nosuch.x]\n');
      const error = await pools.reloadFile(file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map((i) => i.path)).toEqual([
        'outgoing_pools.fake.keep.workers',
        'outgoing_pools.fake.keep.wrokers',
        'outgoing_pools.nosuch',
      ]);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({ source: file, code: 'OUTPOOLS_CONFIG' });
      expect(failures[0]?.issues).toEqual((error as ConfigError).issues);
      expect(pools.keys().map((k) => pools.pool(k.type, k.host, k.tag))).toEqual(before);
      expect(fake.connections.some((c) => c.closed)).toBe(false);
      await expect(pools.reloadFile(join(dir, 'missing.toml'))).rejects.toBeInstanceOf(ConfigError);
      expect(failures).toHaveLength(2);
    } finally {
      await pools.stop();
    }
  });

  it('runs concurrent reloads one after another, in call order', async () => {
    const { fake, parse, pools } = setup();
    try {
      await pools.start();
      fake.behavior.connectDelayMs = 30;
      const withExtra = `${BEFORE}\n[outgoing_pools.fake.extra]\nworkers = 1\n`;
      const [first, second, third] = await Promise.all([
        pools.reload(parse(withExtra)),
        pools.reload(parse(withExtra)),
        pools.reload(parse(BEFORE)),
      ]);
      expect(first?.added.map((k) => k.tag)).toEqual(['extra']);
      expect(second?.added).toEqual([]); // saw the first one's result
      expect(second?.unchanged.map((k) => k.tag)).toContain('extra');
      expect(third?.removed.map((k) => k.tag)).toEqual(['extra']);
      expect(pools.keys().map((k) => k.tag)).toEqual(['keep', 'change', 'gone']);
    } finally {
      await pools.stop();
    }
  });

  it('with requireLive, refuses a reload whose new instance has no live worker, and changes nothing', async () => {
    const { fake, parse, pools } = setup({ startTimeoutMs: 200 });
    try {
      await pools.start();
      const change = pools.pool('fake', 'global', 'change');
      fake.behavior.connectFailures = 1000;
      const error = await pools.reload(parse(AFTER), { requireLive: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PoolStartError);
      expect((error as Error).message).toMatch(/^reload refused, nothing changed: no live worker in 2 new pool\(s\)/);
      expect(pools.pool('fake', 'global', 'change')).toBe(change);
      expect(pools.keys().map((k) => k.tag)).toEqual(['keep', 'change', 'gone']);
      expect((await pools.get(fake.driver, 'global', 'gone').call('still here')).value).toBe('still here');
    } finally {
      await pools.stop();
    }
  });

  it('counts a different key order as no change, and a reload before start() connects nothing', async () => {
    const { fake, parse, pools } = setup();
    try {
      const report = await pools.reload(
        parse(`${AFTER.replace('workers = 2\nconnection.label = "b"', 'connection.label = "b"\nworkers = 2')}`),
      );
      expect(report.changed.map((k) => k.tag)).toEqual(['change']);
      expect(report.instances).toEqual([]);
      expect(fake.counts.connectAttempts).toBe(0);
      const again = await pools.reload(parse(AFTER));
      expect(again.unchanged.map((k) => k.tag).sort()).toEqual(['added', 'change', 'keep']);
      expect((await pools.start()).instances.map((i) => i.live)).toEqual([1, 2, 2]);
    } finally {
      await pools.stop();
    }
  });

  it('reloads on a signal: every outcome an event, one more reload for signals during one, a disposer', async () => {
    const { pools } = setup();
    const file = join(dir, 'signal.toml');
    writeFileSync(file, AFTER);
    const seen: string[] = [];
    pools.events.on('reload', (e) => seen.push(`reload +${e.added.length} -${e.removed.length}`));
    pools.events.on('reload_failed', (e) => seen.push(`failed ${e.issues.length}`));
    const listeners = process.listenerCount('SIGUSR2');
    const reloader = pools.reloadOnSignal(file, { signal: 'SIGUSR2' });
    try {
      await pools.start();
      expect(process.listenerCount('SIGUSR2')).toBe(listeners + 1);
      process.emit('SIGUSR2', 'SIGUSR2');
      process.emit('SIGUSR2', 'SIGUSR2'); // during the first: one more
      process.emit('SIGUSR2', 'SIGUSR2'); // coalesced with the second
      await reloader.idle();
      expect(seen).toEqual(['reload +1 -1', 'reload +0 -0']);
      writeFileSync(file, '[outgoing_pools.fake.keep]\nworkers = -1\n');
      process.emit('SIGUSR2', 'SIGUSR2');
      await reloader.idle();
      expect(seen[2]).toBe('failed 1');
      expect(pools.keys().map((k) => k.tag)).toEqual(['added', 'change', 'keep']);
      reloader.close();
      expect(process.listenerCount('SIGUSR2')).toBe(listeners);
    } finally {
      reloader.close();
      await pools.stop();
    }
  });

  it('stop() during a reload drain waits for the draining instance and closes everything', async () => {
    const { fake, parse, pools } = setup({ drainTimeoutMs: 100 });
    await pools.start();
    const slow = pools.get(fake.driver, 'global', 'gone').call('slow', { latencyMs: 300 });
    const reloading = pools.reload(parse(AFTER));
    while (!pools.keys().some((k) => k.tag === 'added')) await new Promise((r) => setImmediate(r));
    await pools.stop();
    expect((await slow).value).toBe('slow'); // the swapped-out instance drained within call_timeout
    await reloading;
    expect(fake.connections.every((c) => c.closed)).toBe(true);
  });
});
