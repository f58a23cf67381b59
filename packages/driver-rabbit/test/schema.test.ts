import { describe, expect, it } from 'vitest';
import { schemaChecker, stubContexts } from '@outpools/testing';
import { DEFAULTS } from './helpers/pools.js';
import { ConnectionLostError, OutpoolsError } from '@outpools/core/driver';
import {
  PublishNackedError,
  RabbitAccessRefusedError,
  RabbitChannelError,
  RabbitConnectError,
  rabbitDriver,
  RabbitTopologyError,
  type RabbitConnectionOptions,
} from '@outpools/driver-rabbit';

const schema = schemaChecker<RabbitConnectionOptions>(rabbitDriver, 'event_pusher');
const { check, withConnection, withTls, errorPaths, connectionOf, valid } = schema;
const C = schema.connectionPath;

describe('rabbit connection schema', () => {
  it('fills in the documented defaults for an empty section', () => {
    expect(valid(`[${schema.pool}]\n`)).toEqual(DEFAULTS);
  });

  it('accepts the documented examples', () => {
    const resolved = valid(
      withConnection(
        'host = "anotherhost"\nport = 4561\nusername = "corpop"\npassword = "guest"\nconfirms_enabled = false\nmax_worker_queue_len = "infinity"',
      ),
    );
    expect(resolved).toEqual({
      ...DEFAULTS,
      host: 'anotherhost',
      port: 4561,
      username: 'corpop',
      max_worker_queue_len: 'infinity',
    });
  });

  it('takes host as a non-empty string and port as an integer 1..65535', () => {
    expect(errorPaths(check(withConnection('host = ""')))).toEqual([`${C}.host`]);
    expect(check(withConnection('port = 65535')).ok).toBe(true);
    for (const bad of ['0', '65536', '"5672"', '5672.5']) {
      expect(errorPaths(check(withConnection(`port = ${bad}`))), bad).toEqual([`${C}.port`]);
    }
  });

  it('takes username and password as non-empty strings, never printing the password', () => {
    expect(errorPaths(check(withConnection('username = 7')))).toEqual([`${C}.username`]);
    expect(errorPaths(check(withConnection('username = ""')))).toEqual([`${C}.username`]);
    expect(errorPaths(check(withConnection('password = ""')))).toEqual([`${C}.password`]);
    const bad = check(withConnection('password = 31415926'));
    expect(errorPaths(bad)).toEqual([`${C}.password`]);
    expect(JSON.stringify(bad.errors)).not.toContain('31415926');
  });

  it('takes virtual_host as a non-empty string', () => {
    expect(connectionOf(check(withConnection('virtual_host = "/prod"')))?.virtual_host).toBe('/prod');
    expect(errorPaths(check(withConnection('virtual_host = ""')))).toEqual([`${C}.virtual_host`]);
  });

  it('takes confirms_enabled as a boolean', () => {
    expect(connectionOf(check(withConnection('confirms_enabled = true')))?.confirms_enabled).toBe(true);
    expect(errorPaths(check(withConnection('confirms_enabled = "yes"')))).toEqual([`${C}.confirms_enabled`]);
  });

  it('takes max_worker_queue_len as a non-negative integer or "infinity"', () => {
    expect(connectionOf(check(withConnection('max_worker_queue_len = 0')))?.max_worker_queue_len).toBe(0);
    expect(connectionOf(check(withConnection('max_worker_queue_len = 50')))?.max_worker_queue_len).toBe(50);
    for (const bad of ['-1', '"infinite"', '1.5', 'true']) {
      expect(errorPaths(check(withConnection(`max_worker_queue_len = ${bad}`))), bad).toEqual([
        `${C}.max_worker_queue_len`,
      ]);
    }
  });

  it('rejects unknown connection keys with a suggestion', () => {
    const result = check(withConnection('confirm_enabled = true'));
    expect(errorPaths(result)).toEqual([`${C}.confirm_enabled`]);
    expect(result.errors[0]?.message).toContain('confirms_enabled');
  });

  it('accepts a tls section and rejects unknown keys inside it', () => {
    expect(valid(withTls('port = 5671', 'verify_mode = "none"'))?.tls).toMatchObject({ verify_mode: 'none' });
    expect(errorPaths(check(withTls('', 'verify_mode = "none"\nbogus = 1')))).toEqual([`${C}.tls.bogus`]);
  });
});

describe('rabbit driver hooks', () => {
  it('reports max_worker_queue_len as the mailbox limit: at the limit the oldest are dropped until below it', () => {
    // The engine drops while the mailbox holds more than maxQueue: a mailbox that reaches 1000
    // keeps 999 (below the limit), one that reaches 1 keeps none.
    expect(rabbitDriver.maxQueue?.(DEFAULTS)).toBe(999);
    expect(rabbitDriver.maxQueue?.({ ...DEFAULTS, max_worker_queue_len: 1 })).toBe(0);
    expect(rabbitDriver.maxQueue?.({ ...DEFAULTS, max_worker_queue_len: 0 })).toBe(0);
    expect(rabbitDriver.maxQueue?.({ ...DEFAULTS, max_worker_queue_len: 'infinity' })).toBeUndefined();
  });

  it('runs more than one request per worker (a channel multiplexes)', () => {
    expect(rabbitDriver.concurrency?.(DEFAULTS)).toBeGreaterThan(1);
  });

  it('gives a client whose calls all go through the pool', async () => {
    const stub = stubContexts('rabbit', 'event_pusher');
    const client = rabbitDriver.client(stub.handle, DEFAULTS);
    for (const call of [
      () => client.publish('ex', 'rk', 'hello'),
      () => client.declareExchange('ex', 'topic'),
      () => client.declareQueue('q'),
      () => client.bindQueue('q', 'ex', '#'),
      () => client.bindExchange('a', 'b', '#'),
    ]) {
      await expect(call()).rejects.toBeDefined();
    }
  });

  it('refuses a server-named queue (it could not be declared again after a reconnect)', async () => {
    const stub = stubContexts('rabbit', 'event_pusher');
    const client = rabbitDriver.client(stub.handle, DEFAULTS);
    await expect(client.declareQueue('')).rejects.toBeInstanceOf(RabbitTopologyError);
  });

  it('does not load amqplib to validate a configuration', async () => {
    const result = check(withConnection('confirms_enabled = true'));
    expect(result.ok).toBe(true);
    const source = await import('node:fs').then((fs) =>
      fs
        .readdirSync(new URL('../src/', import.meta.url))
        .map((f) => [f, fs.readFileSync(new URL(`../src/${f}`, import.meta.url), 'utf8')] as const),
    );
    for (const [file, text] of source) {
      expect(text, file).not.toMatch(/^import (?!type )[^;]*from 'amqplib'/m);
    }
  });
});

describe('rabbit errors', () => {
  it('are coded OutpoolsErrors that are not taken for another class (a channel error is no lost connection)', () => {
    const errors = [
      new PublishNackedError('ex', 'rk'),
      new RabbitChannelError('404', 404),
      new RabbitConnectError('refused', undefined),
      new RabbitAccessRefusedError('403'),
      new RabbitTopologyError('server-named'),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(OutpoolsError);
      expect(error.code).toMatch(/^OUTPOOLS_/);
      // The engine breaks a worker whose call rejects with ConnectionLostError: none of these may match.
      expect(error, error.name).not.toBeInstanceOf(ConnectionLostError);
    }
    expect(new RabbitChannelError('404', 404)).not.toBeInstanceOf(PublishNackedError);
  });
});
