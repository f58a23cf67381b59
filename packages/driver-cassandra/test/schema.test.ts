import { describe, expect, it } from 'vitest';
import { schemaChecker } from '@outpools/testing';
import { cassandraDriver } from '@outpools/driver-cassandra';

const schema = schemaChecker(cassandraDriver);
const { check, withConnection, withTls, errorPaths, connectionOf, valid } = schema;
const C = schema.connectionPath;

describe('cassandra connection schema', () => {
  it('fills in the seed defaults and 20 workers for an empty section', () => {
    const result = check(`[${schema.pool}]\n`);
    expect(result.errors).toEqual([]);
    expect(connectionOf(result)).toEqual({ servers: [{ host: 'localhost', port: 9042 }], keyspace: 'mongooseim' });
    expect(result.config?.pools[0]?.options).toMatchObject({ workers: 20, call_timeout: 5000 });
  });

  it('accepts the seed examples', () => {
    const resolved = valid(
      withConnection(
        'servers = [{host = "host_one", port = 9042}, {host = "host_two", port = 9042}]\nkeyspace = "big_mongooseim_database"',
      ) + `[${C}.auth.plain]\nusername = "auser"\npassword = "somesecretpassword"\n`,
    );
    expect(resolved).toEqual({
      servers: [
        { host: 'host_one', port: 9042 },
        { host: 'host_two', port: 9042 },
      ],
      keyspace: 'big_mongooseim_database',
      auth: { plain: { username: 'auser', password: 'somesecretpassword' } },
    });
  });

  it('fills in port 9042 for a server given by host only', () => {
    const result = check(withConnection('servers = [{host = "a"}, {host = "b", port = 9142}]'));
    expect(connectionOf(result)?.['servers']).toEqual([
      { host: 'a', port: 9042 },
      { host: 'b', port: 9142 },
    ]);
  });

  it('rejects an empty servers array and a servers value that is not an array', () => {
    expect(errorPaths(check(withConnection('servers = []')))).toEqual([`${C}.servers`]);
    expect(errorPaths(check(withConnection('servers = "host_one"')))).toEqual([`${C}.servers`]);
  });

  it('rejects a duplicate server after defaults, at the index of the repeat', () => {
    const result = check(withConnection('servers = [{host = "a"}, {host = "b"}, {host = "a", port = 9042}]'));
    expect(errorPaths(result)).toEqual([`${C}.servers[2]`]);
    expect(result.errors[0]?.message).toContain('servers[0]');
    expect(check(withConnection('servers = [{host = "a"}, {host = "a", port = 9043}]')).errors).toEqual([]);
  });

  it('checks each server: host non-empty and required, port 1..65535, no other keys', () => {
    expect(errorPaths(check(withConnection('servers = [{port = 9042}]')))).toEqual([`${C}.servers[0].host`]);
    expect(errorPaths(check(withConnection('servers = [{host = "a"}, {host = ""}]')))).toEqual([
      `${C}.servers[1].host`,
    ]);
    for (const bad of ['0', '65536', '"9042"', '9042.5']) {
      expect(errorPaths(check(withConnection(`servers = [{host = "a", port = ${bad}}]`))), bad).toEqual([
        `${C}.servers[0].port`,
      ]);
    }
    expect(check(withConnection('servers = [{host = "a", port = 65535}]')).ok).toBe(true);
    expect(errorPaths(check(withConnection('servers = [{host = "a", prot = 1}]')))).toEqual([`${C}.servers[0].prot`]);
  });

  it('takes keyspace as a non-empty string', () => {
    expect(connectionOf(check(withConnection('keyspace = "ks"')))?.['keyspace']).toBe('ks');
    expect(errorPaths(check(withConnection('keyspace = ""')))).toEqual([`${C}.keyspace`]);
    expect(errorPaths(check(withConnection('keyspace = 3')))).toEqual([`${C}.keyspace`]);
  });

  it('requires both username and password in auth.plain, and never prints the password', () => {
    const noPassword = check(`${withConnection('')}[${C}.auth.plain]\nusername = "auser"\n`);
    expect(errorPaths(noPassword)).toEqual([`${C}.auth.plain.password`]);
    const noUser = check(`${withConnection('')}[${C}.auth.plain]\npassword = "hunter2secret"\n`);
    expect(errorPaths(noUser)).toEqual([`${C}.auth.plain.username`]);
    expect(JSON.stringify(noUser)).not.toContain('hunter2secret');
    const badType = check(`${withConnection('')}[${C}.auth.plain]\nusername = "u"\npassword = 987654321\n`);
    expect(errorPaths(badType)).toEqual([`${C}.auth.plain.password`]);
    expect(JSON.stringify(badType.errors)).not.toContain('987654321');
  });

  it('rejects an auth section without a known mechanism', () => {
    expect(errorPaths(check(`${withConnection('')}[${C}.auth]\n`))).toEqual([`${C}.auth.plain`]);
    const unknown = check(`${withConnection('')}[${C}.auth.kerberos]\nprincipal = "x"\n`);
    expect(errorPaths(unknown)).toContain(`${C}.auth.kerberos`);
  });

  it('rejects unknown connection keys with a suggestion', () => {
    const result = check(withConnection('keyspce = "ks"'));
    expect(errorPaths(result)).toEqual([`${C}.keyspce`]);
    expect(result.errors[0]?.message).toContain('keyspace');
  });

  it('accepts a tls section and rejects unknown keys inside it', () => {
    expect(valid(withTls('', 'verify_mode = "none"'))?.['tls']).toMatchObject({ verify_mode: 'none' });
    expect(errorPaths(check(withTls('', 'verify_mode = "none"\ndhfile = "x"')))).toEqual([`${C}.tls.dhfile`]);
  });
});
