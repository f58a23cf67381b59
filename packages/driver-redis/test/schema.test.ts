import { describe, expect, it } from 'vitest';
import { schemaChecker } from '@outpools/testing';
import { redisDriver } from '@outpools/driver-redis';

const { check, withConnection, errorPaths, connectionOf, pool: POOL } = schemaChecker(redisDriver);

describe('redis connection schema', () => {
  it('fills in the documented defaults for an empty connection section', () => {
    const result = check(`[${POOL}]\n`);
    expect(result.errors).toEqual([]);
    expect(connectionOf(result)).toEqual({
      host: '127.0.0.1',
      port: 6379,
      database: 0,
      password: '',
      auto_pipelining: true,
    });
    expect(result.config?.pools[0]?.options).toMatchObject({
      workers: 10,
      call_timeout: 5000,
      strategy: 'best_worker',
    });
  });

  it('accepts the documented examples', () => {
    const result = check(withConnection('host = "redis.local"\nport = 9876\ndatabase = 2\npassword = "topsecret"'));
    expect(result.errors).toEqual([]);
    expect(connectionOf(result)).toEqual({
      host: 'redis.local',
      port: 9876,
      database: 2,
      password: 'topsecret',
      auto_pipelining: true,
    });
  });

  it('takes auto_pipelining as a boolean', () => {
    expect(connectionOf(check(withConnection('auto_pipelining = false')))).toMatchObject({ auto_pipelining: false });
    expect(errorPaths(check(withConnection('auto_pipelining = "yes"')))).toEqual([
      `${POOL}.connection.auto_pipelining`,
    ]);
  });

  it('takes host as a non-empty string', () => {
    expect(check(withConnection('host = "::1"')).ok).toBe(true);
    expect(errorPaths(check(withConnection('host = ""')))).toEqual([`${POOL}.connection.host`]);
    expect(errorPaths(check(withConnection('host = 1')))).toEqual([`${POOL}.connection.host`]);
  });

  it('takes port as an integer between 0 and 65535, both excluded', () => {
    expect(check(withConnection('port = 1')).ok).toBe(true);
    expect(check(withConnection('port = 65534')).ok).toBe(true);
    for (const bad of ['0', '65535', '-1', '"6379"', '6379.5']) {
      const result = check(withConnection(`port = ${bad}`));
      expect(errorPaths(result), bad).toEqual([`${POOL}.connection.port`]);
    }
  });

  it('takes database as a non-negative integer', () => {
    expect(connectionOf(check(withConnection('database = 0')))?.['database']).toBe(0);
    expect(connectionOf(check(withConnection('database = 15')))?.['database']).toBe(15);
    expect(errorPaths(check(withConnection('database = -1')))).toEqual([`${POOL}.connection.database`]);
    expect(errorPaths(check(withConnection('database = "2"')))).toEqual([`${POOL}.connection.database`]);
  });

  it('takes password as a string, empty by default, and never prints it', () => {
    expect(check(withConnection('password = ""')).ok).toBe(true);
    const result = check(withConnection('password = 12345678'));
    expect(errorPaths(result)).toEqual([`${POOL}.connection.password`]);
    expect(JSON.stringify(result.errors)).not.toContain('12345678');
  });

  it('takes an optional non-empty username (ACL user)', () => {
    const result = check(withConnection('username = "app"\npassword = "pw"'));
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(connectionOf(result)?.['username']).toBe('app');
    expect(errorPaths(check(withConnection('username = ""\npassword = "pw"')))).toEqual([
      `${POOL}.connection.username`,
    ]);
  });

  it('warns when a username comes with an empty password', () => {
    const result = check(withConnection('username = "app"'));
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => w.path)).toEqual([`${POOL}.connection.password`]);
  });

  it('rejects unknown keys at their own path, with a suggestion', () => {
    const result = check(withConnection('databse = 1'));
    expect(errorPaths(result)).toEqual([`${POOL}.connection.databse`]);
    expect(result.errors[0]?.message).toContain('database');
  });

  it('accepts a tls section and rejects unknown keys inside it', () => {
    const ok = check(`${withConnection('port = 6380')}[${POOL}.connection.tls]\nverify_mode = "none"\n`);
    expect(ok.errors).toEqual([]);
    expect(connectionOf(ok)?.['tls']).toMatchObject({ verify_mode: 'none' });
    const bad = check(`${withConnection('')}[${POOL}.connection.tls]\nverify_mode = "none"\ndhfile = "x"\n`);
    expect(errorPaths(bad)).toEqual([`${POOL}.connection.tls.dhfile`]);
  });

  it('refuses the available_worker strategy with the reason, and allows the others', () => {
    const refused = check(`[${POOL}]\nstrategy = "available_worker"\n`);
    expect(errorPaths(refused)).toEqual([`${POOL}.strategy`]);
    expect(refused.errors[0]?.message).toMatch(/pipelines many commands/);
    for (const strategy of ['best_worker', 'random_worker', 'next_worker', 'next_available_worker']) {
      expect(check(`[${POOL}]\nstrategy = "${strategy}"\n`).errors, strategy).toEqual([]);
    }
  });

  it('reports every error of a file at once', () => {
    const result = check(`[${POOL}]\nstrategy = "available_worker"\n[${POOL}.connection]\nport = 0\ndatabase = -2\n`);
    expect(errorPaths(result).sort()).toEqual(
      [`${POOL}.connection.database`, `${POOL}.connection.port`, `${POOL}.strategy`].sort(),
    );
  });
});
