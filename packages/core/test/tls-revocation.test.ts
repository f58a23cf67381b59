import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPools, DriverRegistry, parseConfig, type TlsVerifyFailedEvent } from '@outpools/core';
import { connectTls, type TlsConfig, TlsPeerError } from '@outpools/core/driver';
import { createTestPki, type TestPki } from '@outpools/testing';
import { issueCrl } from './crl.js';
import { startTlsServer, tlsSocketDriver, type TestTlsServer } from './tls-server.js';

let pki: TestPki;
let server: TestTlsServer;
let wrongHost: TestTlsServer;
let revokingServer: string;
let revokingOther: string;
beforeAll(async () => {
  pki = await createTestPki();
  server = await startTlsServer({ cert: pki.server.cert, key: pki.server.key });
  wrongHost = await startTlsServer({ cert: pki.wrongHost.cert, key: pki.wrongHost.key });
  revokingServer = await issueCrl(pki.ca, [pki.server]);
  revokingOther = await issueCrl(pki.ca, [pki.wrongHost]);
});
afterAll(async () => {
  await Promise.all([server.close(), wrongHost.close()]);
});

const open = (port: number, tls: TlsConfig, onTlsFailure?: (failure: TlsPeerError) => void) =>
  connectTls({ host: '127.0.0.1', port, tls, ...(onTlsFailure !== undefined && { onTlsFailure }) });

describe('crl_files', () => {
  it('refuses a server certificate that a CRL of the test CA revokes', async () => {
    const tls: TlsConfig = { verify_mode: 'peer', cacertfile: pki.ca.certFile, crl_files: [revokingServer] };
    await expect(open(server.port, tls)).rejects.toMatchObject({ code: 'CERT_REVOKED' });
  });

  it('accepts a server certificate that the CRLs do not revoke', async () => {
    const tls: TlsConfig = { verify_mode: 'peer', cacertfile: pki.ca.certFile, crl_files: [revokingOther] };
    const socket = await open(server.port, tls);
    expect(socket.authorized).toBe(true);
    socket.destroy();
  });

  it('refuses a revoked certificate under selfsigned_peer too', async () => {
    const tls: TlsConfig = {
      verify_mode: 'selfsigned_peer',
      cacertfile: pki.ca.certFile,
      crl_files: [revokingServer],
    };
    await expect(open(server.port, tls)).rejects.toMatchObject({ reason: 'CERT_REVOKED' });
  });
});

describe('disconnect_on_failure = false', () => {
  it('uses the connection to a revoked server and reports the failure', async () => {
    const failures: TlsPeerError[] = [];
    const tls: TlsConfig = {
      verify_mode: 'peer',
      cacertfile: pki.ca.certFile,
      crl_files: [revokingServer],
      disconnect_on_failure: false,
    };
    const socket = await open(server.port, tls, (failure) => failures.push(failure));
    expect(socket.authorized).toBe(false);
    socket.destroy();
    expect(failures.map((f) => f.reason)).toEqual(['CERT_REVOKED']);
    expect(failures[0]).toBeInstanceOf(TlsPeerError);
  });

  it('reports an untrusted chain and a host name mismatch, and nothing for a good peer', async () => {
    const failures: string[] = [];
    const report = (failure: TlsPeerError): void => {
      failures.push(failure.reason);
    };
    const untrusted: TlsConfig = {
      verify_mode: 'peer',
      cacertfile: pki.otherCa.certFile,
      disconnect_on_failure: false,
    };
    (await open(server.port, untrusted, report)).destroy();
    const trusted: TlsConfig = { verify_mode: 'peer', cacertfile: pki.ca.certFile, disconnect_on_failure: false };
    (await open(wrongHost.port, trusted, report)).destroy();
    (await open(server.port, trusted, report)).destroy();
    expect(failures).toEqual(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID']);
  });

  it('still closes the connection by default (disconnect_on_failure = true)', async () => {
    const tls: TlsConfig = { verify_mode: 'peer', cacertfile: pki.ca.certFile };
    await expect(open(wrongHost.port, tls)).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('makes a pool use the connection and publish a tls_verify_failed event', async () => {
    const registry = new DriverRegistry([tlsSocketDriver]);
    const toml = [
      '[outgoing_pools.tlssock.default]',
      'workers = 2',
      '[outgoing_pools.tlssock.default.connection]',
      'host = "127.0.0.1"',
      `port = ${server.port}`,
      '[outgoing_pools.tlssock.default.connection.tls]',
      `cacertfile = ${JSON.stringify(pki.ca.certFile)}`,
      `crl_files = [${JSON.stringify(revokingServer)}]`,
      'disconnect_on_failure = false',
    ].join('\n');
    const pools = createPools(parseConfig(toml, { registry }), { registry, startTimeoutMs: 3000 });
    const events: TlsVerifyFailedEvent[] = [];
    pools.events.on('tls_verify_failed', (event) => events.push(event));
    try {
      const report = await pools.start();
      expect(report.instances[0]).toMatchObject({ live: 2 });
      expect(await pools.get(tlsSocketDriver, 'global', 'default').authorized()).toBe(false);
    } finally {
      await pools.stop();
    }
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      key: { type: 'tlssock', host: 'global', tag: 'default' },
      host: '127.0.0.1',
      reason: 'CERT_REVOKED',
    });
    expect(events[0]?.error).toMatch(/CERT_REVOKED/);
  });
});
