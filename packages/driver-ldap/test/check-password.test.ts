import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLdap, LdapBindError, LdapResultError, type LdapClient } from '@outpools/driver-ldap';
import { stubContexts, until, waitUntil } from '@outpools/testing';
import { connectionOf, ldapToml, rootAndAnonymous, startPools, type Pools } from './helpers/pools.js';
import { ldapService, type LdapServiceInfo } from './helpers/servers.js';

// checkPassword binds as the user on the pooled connection, then binds back as the pool's own
// identity before the call returns (see the README, "Password checks"). One worker per pool, so
// every call below runs on the connection the check used.
let info: LdapServiceInfo;
let pools: Pools;
let root: LdapClient;
let anonymous: LdapClient;
const BOB = 'uid=bob,ou=people,dc=example,dc=com';
const WRONG = 'not-the-password-9f3k';

beforeAll(async () => {
  info = await ldapService();
  ({ pools, root, anonymous } = await rootAndAnonymous(info, 1, { connect_interval: 100 }));
});
afterAll(async () => {
  await pools?.stop();
});

describe('checkPassword', () => {
  it('accepts the right password and leaves the connection bound as the root DN', async () => {
    const before = await connectionOf(pools, 'root');
    expect(await root.checkPassword(info.userDn, info.userPassword)).toBe(true);
    expect(await root.whoami()).toBe(`dn:${info.rootDn}`);
    expect(await connectionOf(pools, 'root')).toBe(before); // same connection, no reconnect
    expect(await root.checkPassword(BOB, 'outpools-bob-secret')).toBe(true);
    expect(await root.whoami()).toBe(`dn:${info.rootDn}`);
    // bound as root again: alice's password hash is readable (it is not by a user or anonymously)
    const [alice] = (await root.search(info.userDn, { scope: 'base', attributes: ['userPassword'] })).entries;
    expect(String(alice?.userPassword)).toMatch(/^\{SSHA\}/);
  });

  it('refuses a wrong password, an unknown user and an empty password, and stays bound as root', async () => {
    expect(await root.checkPassword(info.userDn, WRONG)).toBe(false);
    expect(await root.whoami()).toBe(`dn:${info.rootDn}`);
    expect(await root.checkPassword('uid=nobody,ou=people,dc=example,dc=com', WRONG)).toBe(false);
    // An empty password would be an "unauthenticated bind" that succeeds: never sent.
    expect(await root.checkPassword(info.userDn, '')).toBe(false);
    expect(await root.checkPassword('', '')).toBe(false);
    expect(await root.whoami()).toBe(`dn:${info.rootDn}`);
  });

  it('an anonymous pool goes back to anonymous after a successful check', async () => {
    expect(await anonymous.checkPassword(info.userDn, info.userPassword)).toBe(true);
    expect(await anonymous.whoami()).toBe('');
    expect(await anonymous.checkPassword(info.userDn, WRONG)).toBe(false);
    expect(await anonymous.whoami()).toBe('');
  });

  it('rejects other server results with a coded error that never shows the password', async () => {
    const error = await root.checkPassword('cn=bad,,dc=example', WRONG).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LdapResultError);
    expect(error).toMatchObject({ code: 'OUTPOOLS_LDAP_RESULT', resultCode: 34, resultName: 'InvalidDNSyntaxError' });
    expect(
      inspect(error, { depth: 10, showHidden: true }) + JSON.stringify(error) + String((error as Error).stack),
    ).not.toContain(WRONG);
    expect(await root.whoami()).toBe(`dn:${info.rootDn}`);
  });

  it('drops the connection when a check is aborted mid-way, so no call ever runs as the user', async () => {
    const before = await connectionOf(pools, 'root');
    const aborted = new AbortController();
    const check = root.withOptions({ signal: aborted.signal }).checkPassword(info.userDn, info.userPassword);
    aborted.abort(new Error('caller gave up'));
    await expect(check).rejects.toThrow('caller gave up');
    expect(await waitUntil(async () => (await connectionOf(pools, 'root')) !== before, { timeoutMs: 3000 })).toBe(true);
    expect(before.closed).toBe(true);
    expect(await root.whoami()).toBe(`dn:${info.rootDn}`);
  });
});

describe('a pool whose root password is wrong', () => {
  const secret = 'wrong-root-secret-7d1c';
  const options = { servers: ['127.0.0.1'], port: 0, root_dn: '', password: secret, connect_interval: 100 };

  it('fails to connect with LdapBindError naming the DN and the result, never the password', async () => {
    const error = await connectLdap(
      { ...options, port: info.port, root_dn: info.rootDn },
      stubContexts('ldap').connect,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LdapBindError);
    expect(error).toMatchObject({ code: 'OUTPOOLS_LDAP_BIND', attempts: [{ server: `127.0.0.1:${info.port}` }] });
    expect((error as Error).message).toContain(
      `simple bind as "${info.rootDn}" refused: ldap bind failed: InvalidCredentialsError (49)`,
    );
    expect(inspect(error, { depth: 10, showHidden: true }) + String((error as Error).stack)).not.toContain(secret);
  });

  it('refuses a root_dn without a password as a bind error too (OpenLDAP: unwillingToPerform)', async () => {
    const error = await connectLdap(
      { ...options, port: info.port, root_dn: info.rootDn, password: '' },
      stubContexts('ldap').connect,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LdapBindError);
    expect((error as Error).message).toContain('UnwillingToPerformError (53)');
  });

  it('shows no password in the start report, events, health or stats', async () => {
    const { pools: bad, report } = await startPools(
      ldapToml('bad', { workers: 1, call_timeout: 2000 }, { ...options, port: info.port, root_dn: info.rootDn }),
    );
    try {
      expect(report.ok).toBe(false);
      expect(report.instances[0]?.error).toContain('InvalidCredentialsError (49)');
      const events: unknown[] = [];
      bad.events.on('reconnect_attempt', (e) => events.push(e));
      await until(() => events.length > 0, 3000, 'a failed reconnect attempt');
      const printed = JSON.stringify({ report, events, health: await bad.health(), stats: bad.stats() });
      expect(printed).toContain('refused');
      expect(printed).not.toContain(secret);
    } finally {
      await bad.stop();
    }
  });
});

describe('checkPassword on a connection with requests in flight', () => {
  it('waits for them, holds the connection alone while bound as the user, then lets the others run', async () => {
    const conn = await connectionOf(pools, 'root');
    // Many searches and checks at once on the one worker: each search must run as the root DN
    // (it reads userPassword, which neither alice nor an anonymous connection may read).
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 30; i += 1) {
      calls.push(
        root.search(info.userDn, { scope: 'base', attributes: ['userPassword'] }).then(({ entries }) => {
          expect(String(entries[0]?.userPassword)).toMatch(/^\{SSHA\}/);
        }),
      );
      if (i % 3 === 0) calls.push(root.checkPassword(info.userDn, i % 2 === 0 ? info.userPassword : WRONG));
    }
    const results = await Promise.all(calls);
    expect(results.filter((r) => typeof r === 'boolean')).toEqual([
      true,
      false,
      true,
      false,
      true,
      false,
      true,
      false,
      true,
      false,
    ]);
    expect(await connectionOf(pools, 'root')).toBe(conn);
    expect(await root.whoami()).toBe(`dn:${info.rootDn}`);
  });
});
