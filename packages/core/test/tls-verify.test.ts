import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTls } from '@outpools/core/driver';
import { TlsPeerError, type TlsConfig } from '@outpools/core';
import { createTestPki, type TestCertificate, type TestPki } from '@outpools/testing';
import { startTlsServer, type TestTlsServer } from './tls-server.js';

let pki: TestPki;
const servers = new Map<string, TestTlsServer>();

async function serverWith(cert: TestCertificate): Promise<number> {
  let server = servers.get(cert.certFile);
  if (server === undefined) {
    server = await startTlsServer({ cert: cert.cert, key: cert.key });
    servers.set(cert.certFile, server);
  }
  return server.port;
}

async function tryConnect(cert: TestCertificate, tls: TlsConfig, host = 'localhost'): Promise<unknown> {
  const port = await serverWith(cert);
  const socket = await connectTls({ host, port, tls, signal: AbortSignal.timeout(5000) });
  socket.destroy();
  return 'connected';
}

beforeAll(async () => {
  pki = await createTestPki();
});
afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.close()));
});

describe('verify_mode = "peer"', () => {
  it('connects to a server whose certificate the configured CA signed, by name and by IP', async () => {
    const tls: TlsConfig = { verify_mode: 'peer', cacertfile: pki.ca.certFile };
    await expect(tryConnect(pki.server, tls, 'localhost')).resolves.toBe('connected');
    await expect(tryConnect(pki.server, tls, '127.0.0.1')).resolves.toBe('connected');
  });

  it('refuses a server when the configured CA is another one', async () => {
    const tls: TlsConfig = { verify_mode: 'peer', cacertfile: pki.otherCa.certFile };
    await expect(tryConnect(pki.server, tls)).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it("refuses a private CA's server without cacertfile (Node's default trust store)", async () => {
    await expect(tryConnect(pki.server, { verify_mode: 'peer' })).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
  });

  it('refuses a certificate for another host name even when the CA is right', async () => {
    const tls: TlsConfig = { verify_mode: 'peer', cacertfile: pki.ca.certFile };
    await expect(tryConnect(pki.wrongHost, tls)).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('refuses a self-signed certificate', async () => {
    await expect(tryConnect(pki.selfSigned, { verify_mode: 'peer' })).rejects.toMatchObject({
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
  });
});

describe('verify_mode = "selfsigned_peer"', () => {
  const tls: TlsConfig = { verify_mode: 'selfsigned_peer' };

  it('accepts a self-signed server certificate for the host', async () => {
    await expect(tryConnect(pki.selfSigned, tls)).resolves.toBe('connected');
    await expect(tryConnect(pki.selfSigned, tls, '127.0.0.1')).resolves.toBe('connected');
  });

  it('accepts a certificate that the configured CA signed', async () => {
    await expect(tryConnect(pki.server, { ...tls, cacertfile: pki.ca.certFile })).resolves.toBe('connected');
  });

  it('refuses an expired self-signed certificate', async () => {
    const error = await tryConnect(pki.expired, tls).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsPeerError);
    expect(error).toMatchObject({ code: 'OUTPOOLS_TLS_PEER', reason: 'CERT_HAS_EXPIRED', host: 'localhost' });
    expect((error as Error).message).toContain('CERT_HAS_EXPIRED');
  });

  it('refuses a self-signed certificate for another host name', async () => {
    const error = await tryConnect(pki.selfSignedWrongHost, tls).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsPeerError);
    expect(error).toMatchObject({ reason: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('refuses a certificate signed by an unknown CA (not self-signed)', async () => {
    const error = await tryConnect(pki.server, { ...tls, cacertfile: pki.otherCa.certFile }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsPeerError);
    expect(error).toMatchObject({ reason: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('refuses a CA-signed certificate for another host name', async () => {
    const error = await tryConnect(pki.wrongHost, { ...tls, cacertfile: pki.ca.certFile }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsPeerError);
    expect(error).toMatchObject({ reason: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('skips the host name check when SNI is disabled, but still refuses an expired certificate', async () => {
    const noSni: TlsConfig = { ...tls, server_name_indication: { enabled: false, protocol: 'default' } };
    await expect(tryConnect(pki.selfSignedWrongHost, noSni)).resolves.toBe('connected');
    await expect(tryConnect(pki.expired, noSni)).rejects.toMatchObject({ reason: 'CERT_HAS_EXPIRED' });
  });
});

describe('verify_mode = "none"', () => {
  const tls: TlsConfig = { verify_mode: 'none' };
  it('connects to an expired, a wrong-host, a self-signed and an unknown-CA certificate', async () => {
    await expect(tryConnect(pki.expired, tls)).resolves.toBe('connected');
    await expect(tryConnect(pki.selfSignedWrongHost, tls)).resolves.toBe('connected');
    await expect(tryConnect(pki.wrongHost, { ...tls, cacertfile: pki.otherCa.certFile })).resolves.toBe('connected');
    await expect(tryConnect(pki.server, tls)).resolves.toBe('connected');
  });
});
