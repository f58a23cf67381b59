import { connect, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPools, DriverRegistry, parseConfig } from '@outpools/core';
import { defineDriver, TlsSchema, Type } from '@outpools/core/driver';
import { createTestPki, type TestPki } from '@outpools/testing';
import { startTlsServer, type TestTlsServer } from './tls-server.js';

// A pool type whose connection is a bare TLS socket built from ctx.tls and checked by ctx.verifyTls.
const tlsSocketDriver = defineDriver({
  type: 'tlssock',
  connectionSchema: Type.Object(
    { host: Type.String({ default: 'localhost' }), port: Type.Integer({ default: 1 }), tls: Type.Optional(TlsSchema) },
    { additionalProperties: false },
  ),
  connect(options, ctx) {
    return new Promise<TLSSocket>((resolve, reject) => {
      const socket = connect({ ...ctx.tls, host: options.host, port: options.port });
      socket.once('error', reject);
      socket.once('secureConnect', () => {
        try {
          ctx.verifyTls(socket);
          socket.on('error', () => {});
          resolve(socket);
        } catch (error) {
          socket.destroy();
          reject(error);
        }
      });
    });
  },
  async close(socket) {
    socket.destroy();
  },
  async ping() {
    return true;
  },
  client: (handle) => ({ authorized: () => handle.run((socket) => Promise.resolve(socket.authorized)) }),
});

let pki: TestPki;
let selfSigned: TestTlsServer;
let expired: TestTlsServer;
beforeAll(async () => {
  pki = await createTestPki();
  selfSigned = await startTlsServer({ cert: pki.selfSigned.cert, key: pki.selfSigned.key });
  expired = await startTlsServer({ cert: pki.expired.cert, key: pki.expired.key });
});
afterAll(async () => {
  await Promise.all([selfSigned.close(), expired.close()]);
});

function poolsFor(port: number, tls: string) {
  const registry = new DriverRegistry([tlsSocketDriver]);
  const toml = `[outgoing_pools.tlssock.default]\nworkers = 1\n[outgoing_pools.tlssock.default.connection]\nport = ${port}\n[outgoing_pools.tlssock.default.connection.tls]\n${tls}\n`;
  return createPools(parseConfig(toml, { registry }), { registry, startTimeoutMs: 3000 });
}

describe('the engine hands the mapped TLS section to drivers', () => {
  it('selfsigned_peer through ctx.tls and ctx.verifyTls accepts a self-signed server', async () => {
    const pools = poolsFor(selfSigned.port, 'verify_mode = "selfsigned_peer"');
    const report = await pools.start();
    await pools.stop();
    expect(report.instances[0]).toMatchObject({ live: 1 });
  });

  it('selfsigned_peer through ctx.verifyTls refuses an expired server', async () => {
    const pools = poolsFor(expired.port, 'verify_mode = "selfsigned_peer"');
    const report = await pools.start();
    await pools.stop();
    expect(report.instances[0]).toMatchObject({ live: 0 });
    expect(report.instances[0]?.error).toMatch(/CERT_HAS_EXPIRED/);
  });

  it('peer through ctx.tls refuses a self-signed server', async () => {
    const pools = poolsFor(selfSigned.port, 'verify_mode = "peer"');
    const report = await pools.start();
    await pools.stop();
    expect(report.instances[0]).toMatchObject({ live: 0 });
    expect(report.instances[0]?.error).toMatch(/self-signed|SELF_SIGNED/i);
  });
});
