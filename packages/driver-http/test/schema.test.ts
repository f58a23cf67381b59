import { describe, expect, it } from 'vitest';
import type { CheckResult } from '@outpools/core';
import { httpDriver } from '@outpools/driver-http';
import { joinUrlPath, parseOrigin } from '../src/origin.js';
import { schemaChecker } from '@outpools/testing';

const { check, errorPaths, connectionOf, pool: POOL } = schemaChecker(httpDriver);
const withConnection = (lines: string, pool = ''): string => `[${POOL}]\n${pool}\n[${POOL}.connection]\n${lines}\n`;
const warningPaths = (result: CheckResult): string[] => result.warnings.map((e) => e.path);

describe('http connection schema', () => {
  it('requires host', () => {
    const result = check(`[${POOL}]\n`);
    expect(errorPaths(result)).toEqual([`${POOL}.connection.host`]);
  });

  it('fills in the documented defaults for path_prefix and request_timeout', () => {
    const result = check(withConnection('host = "http://127.0.0.1"'));
    expect(result.errors).toEqual([]);
    expect(connectionOf(result)).toEqual({ host: 'http://127.0.0.1', path_prefix: '/', request_timeout: 2000 });
    expect(result.config?.pools[0]?.options).toMatchObject({
      workers: 10,
      call_timeout: 5000,
      strategy: 'best_worker',
    });
  });

  it('accepts the documented examples', () => {
    const result = check(
      withConnection(
        'host = "https://server.com:879"\npath_prefix = "/api/auth/"\nrequest_timeout = 5000',
        'call_timeout = 6000',
      ),
    );
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(connectionOf(result)).toEqual({
      host: 'https://server.com:879',
      path_prefix: '/api/auth/',
      request_timeout: 5000,
    });
  });

  it('accepts http and https origins with names, IPv4 and bracketed IPv6 literals, with or without a port', () => {
    for (const host of [
      'http://localhost',
      'https://api.example.com',
      'http://127.0.0.1:8080',
      'https://[::1]:8443',
      'http://[fe80::1]',
      'https://my_host.local:65535',
      'http://a:1',
    ]) {
      const result = check(withConnection(`host = "${host}"`));
      expect(result.errors, host).toEqual([]);
    }
  });

  it('rejects a host that is not http[s]://name[:port] at connection.host, saying the expected form', () => {
    const bad = [
      'server.com',
      'ftp://server.com',
      'https://server.com/',
      'https://server.com/api',
      'http://server.com:80/x',
      'http://server.com?x=1',
      'http://server.com#top',
      'http://user:pw@server.com',
      'http://server.com:0',
      'http://server.com:65536',
      'http://server.com:',
      'http://::1',
      'http://',
      'HTTP://server.com',
      'http://ser ver.com',
    ];
    for (const host of bad) {
      const result = check(withConnection(`host = "${host}"`));
      expect(errorPaths(result), host).toEqual([`${POOL}.connection.host`]);
      expect(result.errors[0]?.message, host).toContain('"http://name[:port]" or "https://name[:port]"');
    }
    expect(errorPaths(check(withConnection('host = 8080')))).toEqual([`${POOL}.connection.host`]);
  });

  it('never prints the user info of a rejected host', () => {
    const result = check(withConnection('host = "http://user:hunter2@server.com"'));
    expect(errorPaths(result)).toEqual([`${POOL}.connection.host`]);
    expect(JSON.stringify(result.errors)).not.toContain('hunter2');
    expect(result.errors[0]?.message).toContain('"http://***@server.com"');
  });

  it('takes path_prefix as a non-empty string', () => {
    expect(errorPaths(check(withConnection('host = "http://h"\npath_prefix = ""')))).toEqual([
      `${POOL}.connection.path_prefix`,
    ]);
    expect(connectionOf(check(withConnection('host = "http://h"\npath_prefix = "/api"')))?.['path_prefix']).toBe(
      '/api',
    );
    expect(errorPaths(check(withConnection('host = "http://h"\npath_prefix = 1')))).toEqual([
      `${POOL}.connection.path_prefix`,
    ]);
  });

  it('takes request_timeout as a positive integer', () => {
    expect(connectionOf(check(withConnection('host = "http://h"\nrequest_timeout = 1')))?.['request_timeout']).toBe(1);
    for (const bad of ['0', '-5', '"2000"', '1500.5']) {
      expect(errorPaths(check(withConnection(`host = "http://h"\nrequest_timeout = ${bad}`))), bad).toEqual([
        `${POOL}.connection.request_timeout`,
      ]);
    }
  });

  it('warns when request_timeout is not lower than call_timeout', () => {
    const equal = check(withConnection('host = "http://h"\nrequest_timeout = 5000'));
    expect(equal.ok).toBe(true);
    expect(warningPaths(equal)).toEqual([`${POOL}.connection.request_timeout`]);
    const above = check(withConnection('host = "http://h"\nrequest_timeout = 3000', 'call_timeout = 1000'));
    expect(warningPaths(above)).toEqual([`${POOL}.connection.request_timeout`]);
    expect(warningPaths(check(withConnection('host = "http://h"\nrequest_timeout = 4999')))).toEqual([]);
  });

  it('takes a tls section for https without a warning', () => {
    const result = check(`${withConnection('host = "https://h"')}[${POOL}.connection.tls]\nverify_mode = "none"\n`);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(connectionOf(result)?.['tls']).toMatchObject({ verify_mode: 'none' });
  });

  it('warns at connection.tls when a tls section comes with a plain http host', () => {
    const result = check(`${withConnection('host = "http://h"')}[${POOL}.connection.tls]\nverify_mode = "none"\n`);
    expect(result.ok).toBe(true);
    expect(warningPaths(result)).toEqual([`${POOL}.connection.tls`]);
  });

  it('rejects a bad tls key at its own path', () => {
    const result = check(`${withConnection('host = "https://h"')}[${POOL}.connection.tls]\nverify_mode = "always"\n`);
    expect(errorPaths(result)).toEqual([`${POOL}.connection.tls.verify_mode`]);
  });

  it('rejects unknown keys at their own path, with a suggestion', () => {
    const result = check(withConnection('host = "http://h"\npath_prefx = "/"'));
    expect(errorPaths(result)).toEqual([`${POOL}.connection.path_prefx`]);
    expect(result.errors[0]?.message).toContain('path_prefix');
  });

  it('accepts every strategy', () => {
    for (const strategy of [
      'best_worker',
      'random_worker',
      'next_worker',
      'available_worker',
      'next_available_worker',
    ]) {
      expect(check(withConnection('host = "http://h"', `strategy = "${strategy}"`)).errors, strategy).toEqual([]);
    }
  });
});

describe('origin parsing and path joining', () => {
  it('takes the origin apart with default ports and IPv6 without brackets', () => {
    expect(parseOrigin('http://example.com')).toEqual({
      protocol: 'http:',
      origin: 'http://example.com',
      hostname: 'example.com',
      port: 80,
      isIp: false,
    });
    expect(parseOrigin('https://example.com')).toMatchObject({ port: 443 });
    expect(parseOrigin('https://[::1]:8443')).toEqual({
      protocol: 'https:',
      origin: 'https://[::1]:8443',
      hostname: '::1',
      port: 8443,
      isIp: true,
    });
    expect(parseOrigin('http://127.0.0.1:81')).toMatchObject({ hostname: '127.0.0.1', port: 81, isIp: true });
  });

  it("names the host TLS verifies (tlsHost): the URL's host name, IPv6 without brackets", () => {
    const options = (host: string) => ({ host, path_prefix: '/', request_timeout: 2000 });
    expect(httpDriver.tlsHost?.(options('https://auth.example.com:8443'))).toBe('auth.example.com');
    expect(httpDriver.tlsHost?.(options('https://[::1]:8443'))).toBe('::1');
    expect(httpDriver.tlsHost?.(options('https://127.0.0.1'))).toBe('127.0.0.1');
  });

  it('joins the prefix and the path with exactly one slash', () => {
    expect(joinUrlPath('/', '')).toBe('/');
    expect(joinUrlPath('/', 'a')).toBe('/a');
    expect(joinUrlPath('/', '/a')).toBe('/a');
    expect(joinUrlPath('/api/auth/', '/check')).toBe('/api/auth/check');
    expect(joinUrlPath('/api/auth', 'check')).toBe('/api/auth/check');
    expect(joinUrlPath('/api//', '//check?x=1')).toBe('/api/check?x=1');
    expect(joinUrlPath('api', 'v1/')).toBe('/api/v1/');
    expect(joinUrlPath('/api/', '')).toBe('/api/');
  });
});
