import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import type { TlsOptions } from 'node:tls';
import { connectTls } from '@outpools/core/driver';
import type { TlsConfig } from '@outpools/core';
import { createTestPki, TEST_WRONG_HOST, type TestPki } from '@outpools/testing';
import { startTlsServer, type TestTlsServer } from './tls-server.js';

let pki: TestPki;
const started: TestTlsServer[] = [];

async function server(options: TlsOptions): Promise<TestTlsServer> {
  const s = await startTlsServer(options);
  started.push(s);
  return s;
}

async function connect(port: number, tls: TlsConfig, host = 'localhost') {
  const socket = await connectTls({ host, port, tls, signal: AbortSignal.timeout(5000) });
  const info = { protocol: socket.getProtocol(), cipher: socket.getCipher().name };
  // Read the server's greeting: it is sent only after the server accepted the handshake.
  const [greeting] = (await once(socket, 'data')) as [Buffer];
  socket.destroy();
  return { ...info, greeting: greeting.toString() };
}

/** The server records a client only after its handshake; poll for it with a deadline. */
async function seenBy(s: TestTlsServer, count = 1) {
  const deadline = Date.now() + 2000;
  while (s.seen.length < count) {
    if (Date.now() > deadline) throw new Error('the server saw no client');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return s.seen[count - 1];
}

beforeAll(async () => {
  pki = await createTestPki();
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

const peer = (extra: Partial<TlsConfig> = {}): TlsConfig => ({
  verify_mode: 'peer',
  cacertfile: pki.ca.certFile,
  ...extra,
});

describe('server name indication', () => {
  it('sends the target host name as SNI by default, and no SNI to an IP address', async () => {
    const s = await server({ cert: pki.server.cert, key: pki.server.key });
    await connect(s.port, peer(), 'localhost');
    expect((await seenBy(s, 1))?.servername).toBe('localhost');
    await connect(s.port, peer(), '127.0.0.1');
    expect((await seenBy(s, 2))?.servername).toBe(false);
  });

  it('sends the SNI host and checks the certificate against it', async () => {
    const s = await server({ cert: pki.wrongHost.cert, key: pki.wrongHost.key });
    const sni = { enabled: true, host: TEST_WRONG_HOST, protocol: 'default' } as const;
    await connect(s.port, peer({ server_name_indication: sni }), '127.0.0.1');
    expect((await seenBy(s))?.servername).toBe(TEST_WRONG_HOST);
    const https = { ...sni, protocol: 'https' } as const;
    await expect(connect(s.port, peer({ server_name_indication: https }), '127.0.0.1')).resolves.toBeDefined();
  });

  it('refuses a certificate that does not match the SNI host, even when it matches the target host', async () => {
    const s = await server({ cert: pki.server.cert, key: pki.server.key });
    const sni = { enabled: true, host: 'other.example.invalid', protocol: 'default' } as const;
    await expect(connect(s.port, peer({ server_name_indication: sni }))).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });

  it('with enabled = false sends no SNI and accepts a wrong host name when the CA is right', async () => {
    const s = await server({ cert: pki.wrongHost.cert, key: pki.wrongHost.key });
    const off = { enabled: false, protocol: 'default' } as const;
    await connect(s.port, peer({ server_name_indication: off }), 'localhost');
    expect((await seenBy(s))?.servername).toBe(false);
    await expect(
      connect(s.port, peer({ server_name_indication: off, cacertfile: pki.otherCa.certFile })),
    ).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
  });
});

describe('versions and ciphers', () => {
  it('versions = ["tlsv1.3"] fails against a TLS 1.2-only server and ["tlsv1.2"] works', async () => {
    const s = await server({ cert: pki.server.cert, key: pki.server.key, maxVersion: 'TLSv1.2' });
    await expect(connect(s.port, peer({ versions: ['tlsv1.3'] }))).rejects.toMatchObject({
      code: expect.stringMatching(/^ERR_SSL_/),
    });
    await expect(connect(s.port, peer({ versions: ['tlsv1.2'] }))).resolves.toMatchObject({ protocol: 'TLSv1.2' });
  });

  it('versions = ["tlsv1.2", "tlsv1.3"] negotiates TLS 1.3 with a modern server', async () => {
    const s = await server({ cert: pki.server.cert, key: pki.server.key });
    await expect(connect(s.port, peer({ versions: ['tlsv1.2', 'tlsv1.3'] }))).resolves.toMatchObject({
      protocol: 'TLSv1.3',
    });
  });

  it('ciphers restricted to a suite the TLS 1.2 server does not offer fail, and an offered one is used', async () => {
    // The test certificates have EC keys: the server can offer only ECDSA suites.
    const s = await server({ cert: pki.server.cert, key: pki.server.key, maxVersion: 'TLSv1.2' });
    await expect(connect(s.port, peer({ ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' }))).rejects.toMatchObject({
      code: expect.stringMatching(/^ERR_SSL_/),
    });
    await expect(connect(s.port, peer({ ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' }))).resolves.toMatchObject({
      cipher: 'ECDHE-ECDSA-AES256-GCM-SHA384',
    });
  });
});

describe('client certificates', () => {
  const requiring = () => ({
    cert: pki.server.cert,
    key: pki.server.key,
    ca: pki.ca.cert,
    requestCert: true,
    rejectUnauthorized: true,
  });

  it('presents a client certificate with an encrypted key and its password', async () => {
    const s = await server(requiring());
    const { certFile, keyFile, passphrase } = pki.clientEncrypted;
    await connect(s.port, peer({ certfile: certFile, keyfile: keyFile, password: passphrase }));
    expect((await seenBy(s))?.clientCn).toBe('outpools-client');
  });

  it('presents a client certificate with a plain key', async () => {
    const s = await server(requiring());
    await connect(s.port, peer({ certfile: pki.client.certFile, keyfile: pki.client.keyFile }));
    expect((await seenBy(s))?.clientCn).toBe('outpools-client');
  });

  it('is refused by a server that requires a client certificate when none is configured', async () => {
    const s = await server(requiring());
    // TLS 1.3: the client finishes first and learns of the refusal when the server closes.
    const outcome = connectTls({
      host: 'localhost',
      port: s.port,
      tls: peer(),
      signal: AbortSignal.timeout(5000),
    }).then(
      (socket) =>
        new Promise<string>((resolve) => {
          socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
          socket.on('close', () => resolve('closed'));
          socket.resume();
        }),
      (error: NodeJS.ErrnoException) => error.code ?? error.message,
    );
    expect(await outcome).toMatch(/CERTIFICATE_REQUIRED|closed|ECONNRESET/);
    expect(s.seen).toEqual([]);
  });

  it('a wrong password fails with an error that does not contain the password', async () => {
    const wrong = 'not-the-passphrase-1234';
    const s = await server(requiring());
    const tls = peer({ certfile: pki.clientEncrypted.certFile, keyfile: pki.clientEncrypted.keyFile, password: wrong });
    const error = (await connect(s.port, tls).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'ERR_OSSL_BAD_DECRYPT' });
    expect(`${error.message} ${error.stack ?? ''} ${JSON.stringify(error)}`).not.toContain(wrong);
    expect(`${error.message}`).not.toContain(pki.clientEncrypted.passphrase);
    expect(s.seen).toEqual([]);
  });
});
