import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionLostError } from '@outpools/core';
import { CassandraQueryError, CONSISTENCIES, consistencyCode } from '@outpools/driver-cassandra';
import { batchQueryOptions, executeQueryOptions } from '../src/client.js';
import { contactPoint } from '../src/connect.js';
import { isAuthFailure, mapCallError, scrub } from '../src/errors.js';
import { startChild, type Child } from './helpers/child.js';

/** An error shaped like cassandra-driver's. */
function libError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(Object.defineProperty(new Error(message), 'name', { value: name }), extra);
}

describe('cassandra driver pieces (offline)', () => {
  it('maps consistency names to the protocol numbers and passes numbers through', () => {
    expect(consistencyCode('localQuorum')).toBe(6);
    expect(consistencyCode('one')).toBe(1);
    expect(consistencyCode(CONSISTENCIES.all)).toBe(5);
    expect(() => consistencyCode('most' as never)).toThrow(/unknown consistency level "most"/);
  });

  it('builds cassandra-driver options: prepared by default, shared when no option is given', () => {
    expect(executeQueryOptions(undefined)).toBe(executeQueryOptions(undefined));
    expect(executeQueryOptions(undefined)).toEqual({ prepare: true });
    expect(
      executeQueryOptions({ consistency: 'quorum', fetchSize: 10, pageState: 'ab', prepare: false, idempotent: true }),
    ).toEqual({
      prepare: false,
      consistency: 4,
      fetchSize: 10,
      pageState: 'ab',
      isIdempotent: true,
    });
    expect(batchQueryOptions({ logged: false, counter: true, serialConsistency: 'localSerial' })).toEqual({
      prepare: true,
      logged: false,
      counter: true,
      serialConsistency: 9,
    });
  });

  it('writes contact points as cassandra-driver parses them (IPv6 in brackets)', () => {
    expect(contactPoint({ host: 'db1', port: 9042 })).toBe('db1:9042');
    expect(contactPoint({ host: '::1', port: 19042 })).toBe('[::1]:19042');
  });

  it('turns lost connections into ConnectionLostError and server answers into coded query errors', () => {
    const socket = libError('DriverError', 'Socket was closed', { isSocketError: true });
    expect(mapCallError(socket, [])).toBeInstanceOf(ConnectionLostError);
    const refused = libError('NoHostAvailableError', 'All host(s) tried for query failed', {
      innerErrors: { '127.0.0.1:9042': new Error('connect ECONNREFUSED') },
    });
    expect(mapCallError(refused, [])).toBeInstanceOf(ConnectionLostError);
    const stopping = libError('ResponseError', 'Server is shutting down', { code: 0 });
    expect(mapCallError(stopping, [])).toBeInstanceOf(ConnectionLostError);
    const unavailable = libError('NoHostAvailableError', 'All host(s) tried for query failed', {
      innerErrors: {
        '127.0.0.1:9042': libError('ResponseError', 'Cannot achieve consistency level TWO', { code: 0x1000 }),
      },
    });
    const mapped = mapCallError(unavailable, []);
    expect(mapped).toBeInstanceOf(CassandraQueryError);
    expect(mapped).toMatchObject({ serverCode: 0x1000, message: 'cassandra: Cannot achieve consistency level TWO' });
    expect((mapped as Error).cause).toBe(unavailable);
    const busy = libError('NoHostAvailableError', 'busy', {
      innerErrors: { a: libError('BusyConnectionError', 'busy') },
    });
    expect(mapCallError(busy, [])).toBeInstanceOf(CassandraQueryError);
    const lost = new ConnectionLostError('x');
    expect(mapCallError(lost, [])).toBe(lost);
  });

  it('recognises refused credentials, also inside NoHostAvailableError', () => {
    expect(isAuthFailure(libError('AuthenticationError', 'bad'))).toBe(true);
    expect(
      isAuthFailure(
        libError('NoHostAvailableError', 'x', { innerErrors: { a: libError('AuthenticationError', 'bad') } }),
      ),
    ).toBe(true);
    expect(
      isAuthFailure(libError('NoHostAvailableError', 'x', { innerErrors: { a: new Error('ECONNREFUSED') } })),
    ).toBe(false);
  });

  it('scrubs secrets out of messages', () => {
    expect(scrub('pw hunter22 and hunter22', ['hunter22', ''])).toBe('pw *** and ***');
    expect(mapCallError(new Error('bad hunter22'), ['hunter22'])).toMatchObject({ message: 'cassandra: bad ***' });
  });
});

describe('cassandra-driver is loaded lazily', () => {
  let child: Child | undefined;
  afterEach(() => child?.dispose());

  it('is not loaded by validating a configuration, and is loaded by the first connect', async () => {
    child = await startChild(`
import { createRequire } from 'node:module';
import { checkConfig, DriverRegistry } from '@outpools/core';
import { cassandraDriver } from '@outpools/driver-cassandra';
import { stubContexts } from '@outpools/testing';
const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('cassandra-driver'));
const result = checkConfig('[outgoing_pools.cassandra.default.connection]\\nkeyspace = "ks"\\n', { registry: new DriverRegistry([cassandraDriver]) });
console.log('checked ' + result.ok + ' ' + loaded());
await cassandraDriver.connect({ servers: [{ host: '127.0.0.1', port: 1 }], keyspace: 'ks' }, stubContexts('cassandra').connect).catch(() => {});
console.log('connected ' + loaded());
`);
    expect(await child.line('checked', 20_000)).toBe('checked true false');
    expect(await child.line('connected', 20_000)).toBe('connected true');
    expect(await child.exited(10_000)).toBe(0);
  });
});
