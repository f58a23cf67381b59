import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  escapeDnValue,
  escapeFilterValue,
  LdapRequestError,
  LdapResultError,
  type LdapClient,
} from '@outpools/driver-ldap';
import { rootAndAnonymous, type Pools } from './helpers/pools.js';
import { ldapService, type LdapServiceInfo } from './helpers/servers.js';

// The client API against the service slapd: one pool bound as the root DN, one anonymous.
let info: LdapServiceInfo;
let pools: Pools;
let root: LdapClient;
let anonymous: LdapClient;
const PEOPLE = 'ou=people,dc=example,dc=com';
const SCRATCH = 'ou=scratch,dc=example,dc=com';
const unique = `t${process.pid}-${Date.now()}`;

beforeAll(async () => {
  info = await ldapService();
  ({ pools, root, anonymous } = await rootAndAnonymous(info, 2));
});
afterAll(async () => {
  await pools?.stop();
});

describe('binds', () => {
  it('a pool with root_dn and password is bound as the root DN', async () => {
    expect(await root.whoami()).toBe(`dn:${info.rootDn}`);
  });

  it('a pool without root_dn is anonymous: it reads public entries and may not write', async () => {
    expect(await anonymous.whoami()).toBe('');
    const { entries } = await anonymous.search(PEOPLE, { filter: '(uid=alice)', attributes: ['cn', 'userPassword'] });
    expect(entries).toEqual([{ dn: `uid=alice,${PEOPLE}`, cn: 'Alice Liddell', userPassword: [] }]);
    const error = await anonymous
      .add(`cn=anon-${unique},${SCRATCH}`, { objectClass: 'organizationalRole', cn: `anon-${unique}` })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LdapResultError);
    // OpenLDAP asks an anonymous writer to authenticate first.
    expect(error).toMatchObject({ code: 'OUTPOOLS_LDAP_RESULT', resultCode: 8, resultName: 'StrongAuthRequiredError' });
  });
});

describe('search', () => {
  it('filters with equality, presence, substrings, and, or, not', async () => {
    const uids = async (filter: string): Promise<string[]> =>
      (await root.search(PEOPLE, { filter, attributes: ['uid'] })).entries.map((e) => String(e.uid)).sort();
    expect(await uids('(uid=bob)')).toEqual(['bob']);
    expect(await uids('(&(objectClass=inetOrgPerson)(mail=*))')).toEqual(['alice', 'bob']);
    expect(await uids('(uid=user00*)')).toEqual(Array.from({ length: 10 }, (_, i) => `user00${i}`));
    expect(await uids('(|(uid=alice)(sn=Builder))')).toEqual(['alice', 'bob']);
    expect(await uids('(&(mail=*)(!(uid=alice)))')).toEqual(['bob']);
    expect(await uids('(uid=nobody)')).toEqual([]);
  });

  it('honours the scope: base, one, sub', async () => {
    const dns = async (base: string, scope: 'base' | 'one' | 'sub'): Promise<number> =>
      (await root.search(base, { scope, filter: '(objectClass=*)', attributes: ['1.1'], paged: true })).entries.length;
    expect(await dns(PEOPLE, 'base')).toBe(1);
    expect(await dns(PEOPLE, 'one')).toBe(252);
    expect(await dns(PEOPLE, 'sub')).toBe(253);
    const [entry] = (await root.search(`uid=alice,${PEOPLE}`, { scope: 'base', attributes: ['mail', 'sn'] })).entries;
    expect(entry).toEqual({ dn: `uid=alice,${PEOPLE}`, mail: 'alice@example.com', sn: 'Liddell' });
  });

  it('returns only the requested attributes, and binary ones as buffers', async () => {
    const [entry] = (
      await root.search(PEOPLE, { filter: '(uid=bob)', attributes: ['cn'], explicitBufferAttributes: ['cn'] })
    ).entries;
    expect(Object.keys(entry ?? {})).toEqual(['dn', 'cn']);
    expect(Buffer.isBuffer(entry?.cn)).toBe(true);
    const [names] = (
      await root.search(PEOPLE, { filter: '(uid=bob)', attributes: ['cn'], returnAttributeValues: false })
    ).entries;
    expect(names).toMatchObject({ dn: `uid=bob,${PEOPLE}` });
  });

  it('pages through more entries than the server returns without paging', async () => {
    const filter = '(employeeType=numbered)';
    // The server's size limit (100) applies to users other than the root DN.
    const unpaged = await anonymous.search(PEOPLE, { filter, attributes: ['uid'] }).catch((e: unknown) => e);
    expect(unpaged).toMatchObject({
      code: 'OUTPOOLS_LDAP_RESULT',
      resultCode: 4,
      resultName: 'SizeLimitExceededError',
    });
    const paged = await anonymous.search(PEOPLE, { filter, attributes: ['uid'], paged: { pageSize: 40 } });
    expect(paged.entries).toHaveLength(250);
    expect(new Set(paged.entries.map((e) => e.uid)).size).toBe(250);
    const limited = await root.search(PEOPLE, { filter, attributes: ['uid'], sizeLimit: 7 });
    expect(limited.entries).toHaveLength(7);
  });

  it('escapes user input so that it cannot change a filter', async () => {
    expect(escapeFilterValue('*)(uid=*')).toBe('\\2a\\29\\28uid=\\2a');
    const hostile = await root.search(PEOPLE, { filter: `(uid=${escapeFilterValue('*)(uid=*')})` });
    expect(hostile.entries).toEqual([]);
    expect(escapeDnValue(' a,b+c="d"; ')).toBe('\\ a\\,b\\+c\\=\\"d\\"\\;\\ ');
  });

  it('rejects an invalid filter before sending it, and a missing base with noSuchObject', async () => {
    await expect(root.search(PEOPLE, { filter: '(uid=alice' })).rejects.toBeInstanceOf(LdapRequestError);
    await expect(root.search(`ou=missing,dc=example,dc=com`)).rejects.toMatchObject({
      resultCode: 32,
      resultName: 'NoSuchObjectError',
    });
  });

  it('reads the root DSE', async () => {
    const dse = await anonymous.rootDse();
    expect(dse.namingContexts).toBe('dc=example,dc=com');
    expect(dse.supportedLDAPVersion).toBe('3');
    expect(dse).not.toHaveProperty('*');
    expect(await root.rootDse(['supportedLDAPVersion'])).toEqual({ dn: '', supportedLDAPVersion: '3' });
  });
});

describe('compare and writes', () => {
  it('compares an attribute value', async () => {
    expect(await root.compare(`uid=alice,${PEOPLE}`, 'mail', 'alice@example.com')).toBe(true);
    expect(await root.compare(`uid=alice,${PEOPLE}`, 'mail', 'bob@example.com')).toBe(false);
    await expect(root.compare(`uid=nobody,${PEOPLE}`, 'mail', 'x')).rejects.toMatchObject({ resultCode: 32 });
  });

  it('adds, modifies, renames and deletes an entry', async () => {
    const dn = `cn=${unique},${SCRATCH}`;
    await root.add(dn, { objectClass: ['organizationalRole'], cn: unique, description: 'first' });
    await expect(root.add(dn, { objectClass: 'organizationalRole', cn: unique })).rejects.toMatchObject({
      resultCode: 68,
    });
    await root.modify(dn, [
      { operation: 'replace', attribute: 'description', values: ['second'] },
      { operation: 'add', attribute: 'telephoneNumber', values: ['+1 555 0100', '+1 555 0101'] },
    ]);
    await root.modify(dn, { operation: 'delete', attribute: 'telephoneNumber', values: ['+1 555 0100'] });
    const [entry] = (await root.search(dn, { scope: 'base', attributes: ['description', 'telephoneNumber'] })).entries;
    expect(entry).toEqual({ dn, description: 'second', telephoneNumber: '+1 555 0101' });
    const renamed = `cn=${unique}-renamed,${SCRATCH}`;
    await root.modifyDN(dn, `cn=${unique}-renamed`);
    expect(await root.compare(renamed, 'cn', `${unique}-renamed`)).toBe(true);
    await expect(root.search(dn, { scope: 'base' })).rejects.toMatchObject({ resultCode: 32 });
    await root.del(renamed);
    await expect(root.del(renamed)).rejects.toMatchObject({ resultCode: 32 });
  });

  it('routes every call with the same hashKey to the same worker, and honours a caller signal', async () => {
    const keyed = root.withOptions({ hashKey: 'user:42' });
    expect(await keyed.whoami()).toBe(`dn:${info.rootDn}`);
    const aborted = new AbortController();
    aborted.abort(new Error('caller gave up'));
    await expect(root.withOptions({ signal: aborted.signal }).search(PEOPLE)).rejects.toThrow('caller gave up');
  });
});
