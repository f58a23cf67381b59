import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { schemaChecker } from '@outpools/testing';
import { LDAP_CONCURRENCY, ldapDriver, type LdapConnectionOptions } from '@outpools/driver-ldap';

const schema = schemaChecker<LdapConnectionOptions>(ldapDriver);
const { check, withConnection, errorPaths, connectionOf, valid } = schema;
const C = schema.connectionPath;
const withTls = (lines: string): string => schema.withTls(lines, 'verify_mode = "none"');
const DEFAULTS: LdapConnectionOptions = {
  servers: ['localhost'],
  port: 389,
  root_dn: '',
  password: '',
  connect_interval: 10000,
};

describe('ldap connection schema', () => {
  it('fills in the seed defaults, with port 389, for an empty section', () => {
    expect(valid(`[${schema.pool}]\n`)).toEqual(DEFAULTS);
  });

  it('accepts the seed examples', () => {
    const resolved = valid(
      withConnection(
        'servers = ["ldap_one", "ldap_two"]\nport = 800\nroot_dn = "cn=admin,dc=example,dc=com"\npassword = "topsecret"\nconnect_interval = 20000',
      ),
    );
    expect(resolved).toEqual({
      servers: ['ldap_one', 'ldap_two'],
      port: 800,
      root_dn: 'cn=admin,dc=example,dc=com',
      password: 'topsecret',
      connect_interval: 20000,
    });
  });

  it('resolves the port to 636 when a tls section is present, and keeps an explicit port', () => {
    const tls = connectionOf(check(withTls('')));
    expect(tls?.port).toBe(636);
    expect(Object.keys(tls ?? {}).slice(0, 2)).toEqual(['servers', 'port']);
    expect(connectionOf(check(withTls('port = 3269')))?.port).toBe(3269);
    expect(connectionOf(check(withConnection('port = 3268')))?.port).toBe(3268);
  });

  it('takes port as an integer between 1 and 65535', () => {
    expect(check(withConnection('port = 65535')).ok).toBe(true);
    for (const bad of ['0', '65536', '"389"', '389.5']) {
      expect(errorPaths(check(withConnection(`port = ${bad}`))), bad).toEqual([`${C}.port`]);
    }
  });

  it('takes servers as a non-empty array of non-empty, distinct strings', () => {
    expect(errorPaths(check(withConnection('servers = []')))).toEqual([`${C}.servers`]);
    expect(errorPaths(check(withConnection('servers = "ldap_one"')))).toEqual([`${C}.servers`]);
    expect(errorPaths(check(withConnection('servers = ["ldap_one", ""]')))).toEqual([`${C}.servers[1]`]);
    expect(errorPaths(check(withConnection('servers = ["ldap_one", 2]')))).toEqual([`${C}.servers[1]`]);
    const duplicate = check(withConnection('servers = ["a", "b", "a"]'));
    expect(errorPaths(duplicate)).toEqual([`${C}.servers[2]`]);
    expect(duplicate.errors[0]?.message).toContain('servers[0]');
  });

  it('takes root_dn and password as strings, never printing the password', () => {
    expect(errorPaths(check(withConnection('root_dn = 1')))).toEqual([`${C}.root_dn`]);
    const bad = check(withConnection('root_dn = "cn=a"\npassword = 27182818'));
    expect(errorPaths(bad)).toEqual([`${C}.password`]);
    expect(JSON.stringify(bad.errors)).not.toContain('27182818');
  });

  it('accepts a root_dn without a password, and a password without a root_dn with a warning', () => {
    expect(check(withConnection('root_dn = "cn=reader,dc=example,dc=com"')).errors).toEqual([]);
    const result = check(withConnection('password = "orphan-secret"'));
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => w.path)).toEqual([`${C}.password`]);
    expect(result.warnings[0]?.message).toMatch(/root_dn is empty.*not used/);
    expect(JSON.stringify(result.warnings)).not.toContain('orphan-secret');
  });

  it('takes connect_interval as a positive integer', () => {
    expect(connectionOf(check(withConnection('connect_interval = 1')))?.connect_interval).toBe(1);
    for (const bad of ['0', '-5', '"10000"', '1.5']) {
      expect(errorPaths(check(withConnection(`connect_interval = ${bad}`))), bad).toEqual([`${C}.connect_interval`]);
    }
  });

  it('rejects unknown connection keys with a suggestion', () => {
    const result = check(withConnection('rootdn = "cn=a"'));
    expect(errorPaths(result)).toEqual([`${C}.rootdn`]);
    expect(result.errors[0]?.message).toContain('root_dn');
  });

  it('rejects unknown keys inside the tls section', () => {
    expect(errorPaths(check(schema.withTls('', 'verify_mode = "none"\nbogus = 1')))).toEqual([`${C}.tls.bogus`]);
  });
});

describe('ldap driver object', () => {
  it('reconnects at the fixed connect_interval', () => {
    expect(ldapDriver.reconnect?.({ ...DEFAULTS, connect_interval: 2500 })).toEqual({
      kind: 'fixed',
      intervalMs: 2500,
    });
  });

  it('pipelines up to LDAP_CONCURRENCY requests per connection', () => {
    expect(ldapDriver.concurrency?.(DEFAULTS)).toBe(LDAP_CONCURRENCY);
    expect(LDAP_CONCURRENCY).toBeGreaterThan(1);
  });

  it('does not import ldapts at module load (only `import type`; the library is loaded on first connect)', () => {
    const dir = fileURLToPath(new URL('../src/', import.meta.url));
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(dir, name), 'utf8');
      const value = text.split('\n').filter((line) => /from ['"]ldapts['"]/.test(line) && !/^import type /.test(line));
      expect(value, name).toEqual([]);
    }
  });
});
