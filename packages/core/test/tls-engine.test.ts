import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPools, DriverRegistry, parseConfig } from '@outpools/core';
import { createTestPki, type TestPki } from '@outpools/testing';
import { startTlsServer, tlsSocketDriver, type TestTlsServer } from './tls-server.js';

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
