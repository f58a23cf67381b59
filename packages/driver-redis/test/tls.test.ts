import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import type { Redis } from 'ioredis';
import { toNodeTlsOptions, verifyTlsPeer, withTlsDefaults } from '@outpools/core/driver';
import type { TlsConfig } from '@outpools/core';
import { redisDriver } from '@outpools/driver-redis';
import { closeAfterEach } from '@outpools/testing';
import { createRedisClient } from '../src/client.js';
import { connectionOptions, directContext, singleConnectionHandle } from './helpers/direct.js';
import { redisExtra, startPrivateRedis, type PrivateRedis, type RedisExtraInfo } from './helpers/servers.js';

// The driver with the core's real TLS mapping (toNodeTlsOptions + verifyTlsPeer), for each
// verify_mode, against real TLS Redis servers: the extra server (certificate signed by a test
// CA, password required) and a private one with a self-signed certificate.
let extra: RedisExtraInfo;
let selfSigned: PrivateRedis;
/** Serves the CA-signed certificate alone (no CA file, so no chain is sent). */
let leafOnly: PrivateRedis;
beforeAll(async () => {
  extra = await redisExtra();
  selfSigned = await startPrivateRedis({
    tls: { certFile: extra.selfSignedCertFile, keyFile: extra.selfSignedKeyFile },
  });
  leafOnly = await startPrivateRedis({ tls: { certFile: extra.certFile, keyFile: extra.keyFile } });
});
afterAll(async () => {
  await selfSigned.dispose();
  await leafOnly.dispose();
});
const track = closeAfterEach((redis: Redis) => redisDriver.close(redis));

async function connectTls(port: number, tls: TlsConfig, password = ''): Promise<Redis> {
  const host = '127.0.0.1';
  const ctx = directContext({
    tls: toNodeTlsOptions(tls, { host }),
    verifyTls: (socket) => verifyTlsPeer(socket, tls, { host }),
  });
  return track(await redisDriver.connect(connectionOptions({ host, port, password, tls: withTlsDefaults(tls) }), ctx));
}

const refusal = (promise: Promise<unknown>): Promise<Error | undefined> =>
  promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );

describe('redis over TLS with each verify_mode', () => {
  it('peer: connects to a server signed by the trusted CA, then authenticates', async () => {
    const redis = await connectTls(extra.tlsPort, { verify_mode: 'peer', cacertfile: extra.caFile }, extra.password);
    const client = createRedisClient(singleConnectionHandle(redis));
    expect(await client.command('ACL', 'WHOAMI')).toBe('default');
    expect(await client.command<string>('CLIENT', 'INFO')).toMatch(
      new RegExp(`laddr=127\\.0\\.0\\.1:${extra.tlsPort}\\b`),
    );
  });

  it('peer: refuses a server signed by another CA, without the password in the error', async () => {
    const error = await refusal(
      connectTls(extra.tlsPort, { verify_mode: 'peer', cacertfile: extra.otherCaFile }, extra.password),
    );
    expect(error?.message).toMatch(/certificate|unable to verify/i);
    expect(inspect(error, { depth: 10 })).not.toContain(extra.password);
  });

  it('peer: refuses a self-signed server', async () => {
    const error = await refusal(connectTls(selfSigned.tlsPort ?? 0, { verify_mode: 'peer', cacertfile: extra.caFile }));
    expect(error?.message).toMatch(/self[- ]signed/i);
  });

  it('peer: refuses a certificate for another host name (SNI host)', async () => {
    const error = await refusal(
      connectTls(
        extra.tlsPort,
        {
          verify_mode: 'peer',
          cacertfile: extra.caFile,
          server_name_indication: { enabled: true, host: 'other.example', protocol: 'default' },
        },
        extra.password,
      ),
    );
    expect(error?.message).toMatch(/other\.example|altnames|host/i);
  });

  it('selfsigned_peer: accepts a self-signed server', async () => {
    const redis = await connectTls(selfSigned.tlsPort ?? 0, {
      verify_mode: 'selfsigned_peer',
      cacertfile: extra.caFile,
    });
    expect(await redis.ping()).toBe('PONG');
  });

  it('selfsigned_peer: still refuses a certificate signed by a CA it does not trust', async () => {
    const error = await refusal(
      connectTls(leafOnly.tlsPort ?? 0, { verify_mode: 'selfsigned_peer', cacertfile: extra.otherCaFile }),
    );
    expect(error?.message).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to verify/i);
  });

  it('selfsigned_peer: accepts a certificate signed by the trusted CA', async () => {
    const redis = await connectTls(leafOnly.tlsPort ?? 0, { verify_mode: 'selfsigned_peer', cacertfile: extra.caFile });
    expect(await redis.ping()).toBe('PONG');
  });

  it('selfsigned_peer: refuses a self-signed certificate for another host name', async () => {
    const error = await refusal(
      connectTls(selfSigned.tlsPort ?? 0, {
        verify_mode: 'selfsigned_peer',
        cacertfile: extra.caFile,
        server_name_indication: { enabled: true, host: 'not-this-server.example', protocol: 'default' },
      }),
    );
    expect(error?.message).toMatch(/not-this-server\.example|host/i);
  });

  it('none: connects whatever the certificate', async () => {
    const a = await connectTls(extra.tlsPort, { verify_mode: 'none', cacertfile: extra.otherCaFile }, extra.password);
    const b = await connectTls(selfSigned.tlsPort ?? 0, { verify_mode: 'none' });
    expect(await a.ping()).toBe('PONG');
    expect(await b.ping()).toBe('PONG');
  });

  it('a plaintext connection to the TLS port fails instead of hanging', async () => {
    const error = await refusal(redisDriver.connect(connectionOptions({ port: extra.tlsPort }), directContext()));
    expect(error).toBeInstanceOf(Error);
  });
});
