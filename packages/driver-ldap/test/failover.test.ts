import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '@outpools/testing';
import { clientOf, connectionOf, ldapToml, startPools } from './helpers/pools.js';
import {
  ldapService,
  PRIVATE_LDAPS_PORT,
  PRIVATE_PORT,
  startPrivateSlapd,
  type LdapServiceInfo,
  type PrivateSlapd,
} from './helpers/servers.js';

// Two private slapd processes on 127.0.0.2 and 127.0.0.3 (same ports, same data), started and
// stopped here. Each serves a certificate valid for its own address only, so the LDAPS case
// proves that TLS checks the server actually dialled.
let info: LdapServiceInfo;
let first: PrivateSlapd;
let second: PrivateSlapd;
const INTERVAL = 200;

beforeAll(async () => {
  info = await ldapService();
  first = await startPrivateSlapd(info, {
    host: '127.0.0.2',
    cert: { certFile: info.host2CertFile, keyFile: info.host2KeyFile },
  });
  second = await startPrivateSlapd(info, {
    host: '127.0.0.3',
    cert: { certFile: info.host3CertFile, keyFile: info.host3KeyFile },
  });
});
afterAll(async () => {
  await first?.dispose();
  await second?.dispose();
});

const servers = ['127.0.0.2', '127.0.0.3'];

for (const mode of ['ldap', 'ldaps'] as const) {
  describe(`failover over ${mode}`, () => {
    const port = mode === 'ldap' ? PRIVATE_PORT : PRIVATE_LDAPS_PORT;
    const tls = mode === 'ldap' ? undefined : { verify_mode: 'peer', cacertfile: info?.caFile ?? '' };

    it('uses the first server of the list while it is up', async () => {
      const { pools, report } = await startPools(
        ldapToml(
          'f',
          { workers: 2 },
          { servers, port, root_dn: info.rootDn, password: info.rootPassword, connect_interval: INTERVAL },
          tls && { ...tls, cacertfile: info.caFile },
        ),
      );
      try {
        expect(report.ok, JSON.stringify(report)).toBe(true);
        for (let i = 0; i < 4; i += 1) expect((await connectionOf(pools, 'f')).server).toBe(`127.0.0.2:${port}`);
      } finally {
        await pools.stop();
      }
    });

    it('uses the second server while the first is down, and prefers the first again at the next reconnect', async () => {
      await first.kill();
      const { pools, report } = await startPools(
        ldapToml(
          'f',
          { workers: 1 },
          { servers, port, root_dn: info.rootDn, password: info.rootPassword, connect_interval: INTERVAL },
          tls && { ...tls, cacertfile: info.caFile },
        ),
      );
      try {
        expect(report.ok, JSON.stringify(report)).toBe(true);
        const ldap = clientOf(pools, 'f');
        const onSecond = await connectionOf(pools, 'f');
        expect(onSecond.server).toBe(`127.0.0.3:${port}`);
        expect(await ldap.whoami()).toBe(`dn:${info.rootDn}`);

        await first.start();
        // Both servers are up; the worker stays where it is until it reconnects...
        expect(await connectionOf(pools, 'f')).toBe(onSecond);
        // ...and a reconnect (here: a dropped connection) tries the list from the head again.
        onSecond.destroy(new Error('test drops the connection'));
        const reconnected = waitUntil(async () => (await connectionOf(pools, 'f')) !== onSecond, {
          timeoutMs: INTERVAL + 3000,
        });
        expect(await reconnected).toBe(true);
        expect((await connectionOf(pools, 'f')).server).toBe(`127.0.0.2:${port}`);
        expect((await ldap.search('ou=people,dc=example,dc=com', { filter: '(uid=alice)' })).entries).toHaveLength(1);
      } finally {
        await pools.stop();
        await first.start();
      }
    });

    it('reports both servers when neither can be used', async () => {
      await first.kill();
      await second.kill();
      try {
        const { pools, report } = await startPools(
          ldapToml(
            'f',
            { workers: 1 },
            { servers, port, connect_interval: INTERVAL },
            tls && { ...tls, cacertfile: info.caFile },
          ),
        );
        await pools.stop();
        expect(report.ok).toBe(false);
        expect(report.instances[0]?.error).toMatch(
          new RegExp(`127\\.0\\.0\\.2:${port}: .*ECONNREFUSED.*127\\.0\\.0\\.3:${port}: .*ECONNREFUSED`),
        );
      } finally {
        await first.start();
        await second.start();
      }
    });
  });
}

describe('failover past a server that never answers', () => {
  it('gives each server but the last a share of the connect time, so a blackholed first server leaves time for the second', async () => {
    // A listener that accepts and then says nothing (what a blackholed address looks like: no
    // refusal, no reset), on the private port of an address no slapd serves.
    const held: Socket[] = [];
    const silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(PRIVATE_PORT, '127.0.0.9', resolve));
    try {
      const started = performance.now();
      const { pools, report } = await startPools(
        ldapToml(
          'silent',
          { workers: 1, call_timeout: 2000 },
          {
            servers: ['127.0.0.9', '127.0.0.3'],
            port: PRIVATE_PORT,
            root_dn: info.rootDn,
            password: info.rootPassword,
            connect_interval: INTERVAL,
          },
        ),
      );
      try {
        expect(report.ok, JSON.stringify(report)).toBe(true);
        expect(performance.now() - started).toBeLessThan(2000); // the first server had half of it
        expect(held.length).toBeGreaterThan(0); // it was really tried first
        expect((await connectionOf(pools, 'silent')).server).toBe(`127.0.0.3:${PRIVATE_PORT}`);
      } finally {
        await pools.stop();
      }
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
