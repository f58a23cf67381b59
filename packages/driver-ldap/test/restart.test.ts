import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallTimeoutError, ConnectionLostError, NoWorkersError } from '@outpools/core';
import { failureKinds, recordUnhandled, startLoad, until, waitUntil } from '@outpools/testing';
import { clientOf, connectionOf, ldapToml, startPools } from './helpers/pools.js';
import {
  ldapService,
  PRIVATE_PORT,
  startPrivateSlapd,
  type LdapServiceInfo,
  type PrivateSlapd,
} from './helpers/servers.js';

// A private slapd on 127.0.0.4, killed (SIGKILL) and restarted under load.
let info: LdapServiceInfo;
let server: PrivateSlapd;
const CALL_TIMEOUT = 1000;
const INTERVAL = 300;
const PEOPLE = 'ou=people,dc=example,dc=com';

beforeAll(async () => {
  info = await ldapService();
  server = await startPrivateSlapd(info, { host: '127.0.0.4' });
});
afterAll(async () => {
  await server?.dispose();
});

const connection = (): Record<string, string | number | string[]> => ({
  servers: ['127.0.0.4'],
  port: PRIVATE_PORT,
  root_dn: info.rootDn,
  password: info.rootPassword,
  connect_interval: INTERVAL,
});

describe('a slapd killed and restarted under load', () => {
  it('settles every call within call_timeout + 100 ms, raises nothing unhandled, and is live again within connect_interval + 1 s', async () => {
    const unhandled = recordUnhandled();
    const { pools, report } = await startPools(
      ldapToml('restart', { workers: 4, call_timeout: CALL_TIMEOUT }, connection()),
    );
    try {
      expect(report.ok).toBe(true);
      const ldap = clientOf(pools, 'restart');
      const load = startLoad(
        40,
        (id, n) =>
          n % 3 === 0
            ? ldap.checkPassword(info.userDn, info.userPassword)
            : ldap.search(PEOPLE, {
                scope: 'one',
                filter: `(uid=user${String((id * 7 + n) % 250).padStart(3, '0')})`,
                attributes: ['cn'],
              }),
        { pauseAfterFailureMs: 5 },
      );
      const { outcomes } = load;

      await until(() => load.okCount() > 300, 10_000, 'load before the kill');
      await server.kill();
      await until(() => outcomes.some((o) => !o.ok), 3000, 'failures after the kill');
      // Stay down until every worker has failed to reconnect at least once (at the fixed interval).
      const failedAttempts = new Map<number, number>();
      pools.events.on('reconnect_attempt', (e) => failedAttempts.set(e.worker, e.attempt));
      await until(
        () => failedAttempts.size === 4 && [...failedAttempts.values()].every((n) => n >= 2),
        5000,
        'failed reconnect attempts',
      );
      await server.start();
      const restartedAt = performance.now();
      const okBefore = load.okCount();
      await until(
        () => pools.stats()[0]?.workers.live === 4 && load.okCount() > okBefore + 100,
        INTERVAL + 1000,
        'every worker live and calls succeeding again',
      );
      const liveAfterMs = performance.now() - restartedAt;
      await load.stop();

      expect(outcomes.filter((o) => o.ms > CALL_TIMEOUT + 100)).toEqual([]);
      const failures = outcomes.filter((o) => !o.ok);
      expect(failures.length).toBeGreaterThan(0);
      const kinds = failureKinds(failures, { NoWorkersError, ConnectionLostError, CallTimeoutError });
      expect([...kinds].filter((k) => k.startsWith('unexpected'))).toEqual([]);
      expect(kinds.has('NoWorkersError')).toBe(true);
      expect(liveAfterMs).toBeLessThan(INTERVAL + 1000);
      expect((await pools.health())[0]).toMatchObject({ ok: true });
      expect(await ldap.whoami()).toBe(`dn:${info.rootDn}`);
    } finally {
      await pools.stop();
      unhandled.uninstall();
    }
    expect(unhandled.errors).toEqual([]);
  });
});

describe('a request on a connection that closes', () => {
  it('is retried once on a reconnected worker when it is a read, and fails with ConnectionLostError when it is a write', async () => {
    const { pools, report } = await startPools(ldapToml('lost', { workers: 1, call_timeout: 3000 }, connection()));
    try {
      expect(report.ok).toBe(true);
      const ldap = clientOf(pools, 'lost');
      let reconnects = pools.stats()[0]?.counters.reconnects ?? 0;

      // The search is written to the socket at once (the call runs synchronously on the idle worker);
      // dropping the connection right after makes it fail with the connection closed.
      let conn = await connectionOf(pools, 'lost');
      const search = ldap.search(PEOPLE, { filter: '(uid=alice)', attributes: ['uid'] });
      conn.destroy(new Error('test drops the connection'));
      const { entries } = await search;
      expect(entries).toEqual([{ dn: `uid=alice,${PEOPLE}`, uid: 'alice' }]);
      expect(pools.stats()[0]?.counters.reconnects).toBe(reconnects + 1);
      reconnects += 1;

      conn = await connectionOf(pools, 'lost');
      const compare = ldap.compare(`uid=alice,${PEOPLE}`, 'uid', 'alice');
      conn.destroy(new Error('test drops the connection'));
      expect(await compare).toBe(true);

      conn = await connectionOf(pools, 'lost');
      const write = ldap.modify(`uid=bob,${PEOPLE}`, {
        operation: 'replace',
        attribute: 'description',
        values: ['lost'],
      });
      conn.destroy(new Error('test drops the connection'));
      await expect(write).rejects.toBeInstanceOf(ConnectionLostError);
      expect(await waitUntil(() => pools.stats()[0]?.workers.live === 1, { timeoutMs: INTERVAL + 2000 })).toBe(true);
    } finally {
      await pools.stop();
    }
  });

  it('gives up a connection whose server stopped answering (an abandoned request unanswered for twice its timeout)', async () => {
    const { pools, report } = await startPools(ldapToml('stall', { workers: 1, call_timeout: 300 }, connection()));
    try {
      expect(report.ok).toBe(true);
      const ldap = clientOf(pools, 'stall');
      const conn = await connectionOf(pools, 'stall');
      await server.pause();
      try {
        await expect(ldap.search(PEOPLE, { filter: '(uid=alice)' })).rejects.toBeInstanceOf(CallTimeoutError);
        expect(conn.closed).toBe(false); // one unanswered request: maybe just slow
        let timeouts = 1;
        while (!conn.closed && timeouts < 4) {
          await expect(ldap.search(PEOPLE, { filter: '(uid=bob)' })).rejects.toBeInstanceOf(CallTimeoutError);
          timeouts += 1;
        }
        expect(conn.closed).toBe(true);
        expect(timeouts).toBeLessThanOrEqual(3); // given up at the second or third timeout
      } finally {
        server.resume();
      }
      expect(
        await waitUntil(async () => (await connectionOf(pools, 'stall')) !== conn, { timeoutMs: INTERVAL + 2000 }),
      ).toBe(true);
      expect(await ldap.whoami()).toBe(`dn:${info.rootDn}`);
    } finally {
      await pools.stop();
    }
  });
});
