import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { ConnectionLostError } from '@outpools/core';
import { closedPort, schemaChecker, stubContexts } from '@outpools/testing';
import { elasticDriver, ElasticAuthError, ElasticRequestError, ElasticResponseError } from '@outpools/driver-elastic';
import { toElasticError } from '../src/errors.js';

const toElasticTestError = (error: unknown): unknown =>
  toElasticError(error, { where: 'es.example:9200', who: 'user "u"' });

const { check, withConnection, errorPaths, connectionOf, pool: POOL, connectionPath: C } = schemaChecker(elasticDriver);

describe('elastic connection schema', () => {
  it('fills in the seed defaults for an empty section', () => {
    const result = check(`[${POOL}]\n`);
    expect(result.errors).toEqual([]);
    expect(connectionOf(result)).toEqual({ host: 'localhost', port: 9200 });
  });

  it('accepts the seed examples', () => {
    const result = check(withConnection('host = "otherhost"\nport = 9211'));
    expect(result.errors).toEqual([]);
    expect(connectionOf(result)).toEqual({ host: 'otherhost', port: 9211 });
  });

  it('accepts any tag and applies strategy and call_timeout (no default-only limit)', () => {
    const result = check('[outgoing_pools.elastic.search]\nstrategy = "random_worker"\ncall_timeout = 1500\n');
    expect(result.errors).toEqual([]);
    expect(result.config?.pools[0]).toMatchObject({
      tag: 'search',
      options: { strategy: 'random_worker', call_timeout: 1500 },
    });
  });

  it('takes host as a non-empty string', () => {
    expect(errorPaths(check(withConnection('host = ""')))).toEqual([`${C}.host`]);
    expect(errorPaths(check(withConnection('host = 12')))).toEqual([`${C}.host`]);
  });

  it('takes port as an integer between 1 and 65535', () => {
    expect(check(withConnection('port = 1')).ok).toBe(true);
    expect(check(withConnection('port = 65535')).ok).toBe(true);
    for (const bad of ['0', '65536', '"9200"', '9200.5']) {
      expect(errorPaths(check(withConnection(`port = ${bad}`))), bad).toEqual([`${C}.port`]);
    }
  });

  it('accepts username with password, and neither', () => {
    const result = check(withConnection('username = "elastic"\npassword = "changeme-secret"'));
    expect(result.errors).toEqual([]);
    expect(connectionOf(result)).toMatchObject({ username: 'elastic', password: 'changeme-secret' });
  });

  it('rejects a username without a password and a password without a username, never printing it', () => {
    expect(errorPaths(check(withConnection('username = "elastic"')))).toEqual([`${C}.password`]);
    const noUser = check(withConnection('password = "changeme-secret"'));
    expect(errorPaths(noUser)).toEqual([`${C}.username`]);
    expect(JSON.stringify(noUser)).not.toContain('changeme-secret');
    const badType = check(withConnection('username = "u"\npassword = 55667788'));
    expect(errorPaths(badType)).toEqual([`${C}.password`]);
    expect(JSON.stringify(badType.errors)).not.toContain('55667788');
  });

  it('accepts an api_key alone and rejects it together with basic auth', () => {
    expect(connectionOf(check(withConnection('api_key = "a2V5"')))?.['api_key']).toBe('a2V5');
    expect(errorPaths(check(withConnection('api_key = ""')))).toEqual([`${C}.api_key`]);
    expect(errorPaths(check(withConnection('api_key = "a2V5"\nusername = "u"\npassword = "p"')))).toEqual([
      `${C}.api_key`,
    ]);
  });

  it('rejects unknown connection keys with a suggestion', () => {
    const result = check(withConnection('hots = "x"'));
    expect(errorPaths(result)).toEqual([`${C}.hots`]);
    expect(result.errors[0]?.message).toContain('host');
  });

  it('accepts a tls section and rejects unknown keys inside it', () => {
    const ok = check(`${withConnection('')}[${C}.tls]\nverify_mode = "none"\n`);
    expect(ok.errors).toEqual([]);
    expect(connectionOf(ok)?.['tls']).toMatchObject({ verify_mode: 'none' });
    expect(errorPaths(check(`${withConnection('')}[${C}.tls]\nverify_mode = "none"\nbogus = 1\n`))).toEqual([
      `${C}.tls.bogus`,
    ]);
  });
});

describe('elastic driver without a server', () => {
  it('does not load @elastic/elasticsearch to validate a configuration', async () => {
    const source = await readFile(new URL('../src/driver.ts', import.meta.url), 'utf8');
    const eager = [...source.matchAll(/^import (?!type )[^;]*from '([^']+)'/gm)].map((m) => m[1]);
    expect(eager.filter((name) => name?.startsWith('@elastic/'))).toEqual([]);
    expect(check(withConnection('host = "es.example"')).ok).toBe(true);
  });

  it('rejects a connect to a closed port with a lost-connection error naming the server', async () => {
    const stub = stubContexts('elastic');
    const port = await closedPort();
    const error = await elasticDriver.connect({ host: '127.0.0.1', port }, stub.connect).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect((error as Error).message).toContain(`127.0.0.1:${port}`);
  });

  it('names no secret in the errors it maps', () => {
    const responseError = Object.assign(new Error('security_exception'), {
      name: 'ResponseError',
      meta: {
        statusCode: 401,
        body: { error: { type: 'security_exception', reason: 'unable to authenticate user [u]' } },
      },
    });
    const mapped = toElasticTestError(responseError);
    expect(mapped).toBeInstanceOf(ElasticAuthError);
    expect(mapped).toMatchObject({ code: 'OUTPOOLS_ELASTIC_AUTH', statusCode: 401, errorType: 'security_exception' });
    const other = toElasticTestError(
      Object.assign(new Error('x'), {
        name: 'ResponseError',
        meta: { statusCode: 409, body: { error: { type: 'version_conflict_engine_exception', reason: 'conflict' } } },
      }),
    );
    expect(other).toBeInstanceOf(ElasticResponseError);
    expect(other).toMatchObject({
      statusCode: 409,
      message: 'elasticsearch answered 409 version_conflict_engine_exception: conflict',
    });
    expect(toElasticTestError(Object.assign(new Error('bad json'), { name: 'DeserializationError' }))).toBeInstanceOf(
      ElasticRequestError,
    );
    const own = new Error('mine');
    expect(toElasticTestError(own)).toBe(own);
  });
});
