import { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { toNodeTlsOptions, verifyTlsPeer } from '@outpools/core/driver';
import { TlsPeerError, type TlsConfig } from '@outpools/core';
import { createTestPki, TEST_WRONG_HOST, type TestPki } from '@outpools/testing';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});

const target = { host: 'db.example.com' };

describe('toNodeTlsOptions', () => {
  it('maps verify_mode: peer rejects unauthorized peers, none and selfsigned_peer do not', () => {
    expect(toNodeTlsOptions({ verify_mode: 'peer' }, target).rejectUnauthorized).toBe(true);
    expect(toNodeTlsOptions({ verify_mode: 'none' }, target).rejectUnauthorized).toBe(false);
    expect(toNodeTlsOptions({ verify_mode: 'selfsigned_peer' }, target).rejectUnauthorized).toBe(false);
  });

  it('reads cacertfile, certfile and keyfile contents, and maps password to passphrase', () => {
    const options = toNodeTlsOptions(
      {
        verify_mode: 'peer',
        cacertfile: pki.ca.certFile,
        certfile: pki.clientEncrypted.certFile,
        keyfile: pki.clientEncrypted.keyFile,
        password: pki.clientEncrypted.passphrase,
      },
      target,
    );
    expect(String(options.ca)).toBe(pki.ca.cert);
    expect(String(options.cert)).toBe(pki.clientEncrypted.cert);
    expect(String(options.key)).toBe(pki.clientEncrypted.key);
    expect(options.passphrase).toBe(pki.clientEncrypted.passphrase);
  });

  it('leaves out every key that is not configured', () => {
    const options = toNodeTlsOptions({ verify_mode: 'peer' }, target);
    expect(Object.keys(options).sort()).toEqual(['checkServerIdentity', 'rejectUnauthorized', 'servername']);
  });

  it('maps versions to minVersion and maxVersion', () => {
    expect(toNodeTlsOptions({ verify_mode: 'peer', versions: ['tlsv1.3', 'tlsv1.2'] }, target)).toMatchObject({
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.3',
    });
    expect(toNodeTlsOptions({ verify_mode: 'peer', versions: ['tlsv1', 'tlsv1.1'] }, target)).toMatchObject({
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.1',
    });
  });

  it('refuses versions with a gap (the config check reports it first)', () => {
    expect(() => toNodeTlsOptions({ verify_mode: 'peer', versions: ['tlsv1.1', 'tlsv1.3'] }, target)).toThrow(/gap/);
  });

  it('passes ciphers through unchanged', () => {
    expect(toNodeTlsOptions({ verify_mode: 'peer', ciphers: 'ECDHE-RSA-AES256-GCM-SHA384' }, target).ciphers).toBe(
      'ECDHE-RSA-AES256-GCM-SHA384',
    );
  });

  it("sends the host name as SNI and uses Node's host name check, for both SNI protocols", () => {
    for (const protocol of ['default', 'https'] as const) {
      const options = toNodeTlsOptions(
        { verify_mode: 'peer', server_name_indication: { enabled: true, protocol } },
        target,
      );
      expect(options.servername).toBe('db.example.com');
      expect(options.checkServerIdentity).toBe(checkServerIdentity);
    }
  });

  it('sends no SNI to an IPv4 or IPv6 address', () => {
    expect(toNodeTlsOptions({ verify_mode: 'peer' }, { host: '127.0.0.1' }).servername).toBeUndefined();
    expect(toNodeTlsOptions({ verify_mode: 'peer' }, { host: '::1' }).servername).toBeUndefined();
  });

  it('checks the certificate against the SNI host, not the target host', () => {
    const cert = new X509Certificate(pki.wrongHost.cert).toLegacyObject() as PeerCertificate;
    const sni = { enabled: true, host: TEST_WRONG_HOST, protocol: 'default' } as const;
    const options = toNodeTlsOptions({ verify_mode: 'peer', server_name_indication: sni }, { host: '127.0.0.1' });
    expect(options.servername).toBe(TEST_WRONG_HOST);
    expect(options.checkServerIdentity?.('127.0.0.1', cert)).toBeUndefined();
    const other = toNodeTlsOptions(
      { verify_mode: 'peer', server_name_indication: { ...sni, host: 'x.invalid' } },
      target,
    );
    expect(other.checkServerIdentity?.('db.example.com', cert)).toBeInstanceOf(Error);
  });

  it('with SNI disabled sends no servername and accepts any host name', () => {
    const cert = new X509Certificate(pki.wrongHost.cert).toLegacyObject() as PeerCertificate;
    const options = toNodeTlsOptions(
      { verify_mode: 'peer', server_name_indication: { enabled: false, protocol: 'default' } },
      target,
    );
    expect(options.servername).toBeUndefined();
    expect(options.checkServerIdentity?.('db.example.com', cert)).toBeUndefined();
  });

  it('names the key and the file when a file cannot be read, never the password', () => {
    const password = 'pw-should-not-leak';
    const section = {
      verify_mode: 'peer',
      certfile: '/nonexistent/c.pem',
      keyfile: '/nonexistent/k.pem',
      password,
    } as const;
    expect(() => toNodeTlsOptions(section, target)).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(/^connection\.tls\.certfile: cannot read "\/nonexistent\/c\.pem" \(ENOENT\)$/),
      }),
    );
    expect(() => toNodeTlsOptions({ verify_mode: 'peer', crl_files: ['/nonexistent/r.crl'] }, target)).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^connection\.tls\.crl_files\[0\]: cannot read/) }),
    );
  });

  it('sends no key without a certificate, and maps crl_files to crl unless nothing is verified', () => {
    const options = toNodeTlsOptions({ verify_mode: 'peer', keyfile: '/nonexistent/k.pem' }, target);
    expect(options.key).toBeUndefined();
    expect(toNodeTlsOptions({ verify_mode: 'none', crl_files: ['/nonexistent/r.crl'] }, target).crl).toBeUndefined();
  });

  it('lets every peer through to verifyTlsPeer with disconnect_on_failure = false', () => {
    expect(toNodeTlsOptions({ verify_mode: 'peer' }, target).rejectUnauthorized).toBe(true);
    expect(toNodeTlsOptions({ verify_mode: 'peer', disconnect_on_failure: false }, target).rejectUnauthorized).toBe(
      false,
    );
  });
});

/** A socket as far as verifyTlsPeer looks at it. */
function fakeSocket(authorizationError: string | null, cert: Partial<PeerCertificate>): TLSSocket {
  return { authorizationError, getPeerCertificate: () => cert } as unknown as TLSSocket;
}

describe('verifyTlsPeer', () => {
  const selfsigned: TlsConfig = { verify_mode: 'selfsigned_peer' };
  const localCert = () => new X509Certificate(pki.selfSigned.cert).toLegacyObject() as PeerCertificate;

  it('is a no-op for peer and none, whatever the socket says', () => {
    const bad = fakeSocket('CERT_HAS_EXPIRED', {});
    expect(() => verifyTlsPeer(bad, { verify_mode: 'peer' }, { host: 'localhost' })).not.toThrow();
    expect(() => verifyTlsPeer(bad, { verify_mode: 'none' }, { host: 'localhost' })).not.toThrow();
  });

  it('checks the dates itself when Node reports only the self-signed error', () => {
    const socket = fakeSocket('DEPTH_ZERO_SELF_SIGNED_CERT', localCert());
    expect(() => verifyTlsPeer(socket, selfsigned, { host: 'localhost' })).not.toThrow();
    const later = new Date(Date.now() + 20 * 365 * 24 * 3600 * 1000);
    expect(() => verifyTlsPeer(socket, selfsigned, { host: 'localhost' }, later)).toThrow(
      expect.objectContaining({ reason: 'CERT_HAS_EXPIRED' }),
    );
    expect(() => verifyTlsPeer(socket, selfsigned, { host: 'localhost' }, new Date('2001-01-01'))).toThrow(
      expect.objectContaining({ reason: 'CERT_NOT_YET_VALID' }),
    );
  });

  it('checks the host name itself when Node reports only the self-signed error', () => {
    const socket = fakeSocket('SELF_SIGNED_CERT_IN_CHAIN', localCert());
    expect(() => verifyTlsPeer(socket, selfsigned, { host: 'elsewhere.invalid' })).toThrow(TlsPeerError);
    expect(() => verifyTlsPeer(socket, selfsigned, { host: '::1' })).not.toThrow();
  });

  it('refuses any other authorization error and a missing certificate', () => {
    expect(() => verifyTlsPeer(fakeSocket('CERT_REVOKED', localCert()), selfsigned, { host: 'localhost' })).toThrow(
      expect.objectContaining({ code: 'OUTPOOLS_TLS_PEER', reason: 'CERT_REVOKED' }),
    );
    expect(() => verifyTlsPeer(fakeSocket(null, {}), selfsigned, { host: 'localhost' })).toThrow(
      expect.objectContaining({ reason: 'NO_PEER_CERTIFICATE' }),
    );
  });
});

describe('createTestPki', () => {
  it('makes an expired certificate, and server certificates for localhost, 127.0.0.1 and ::1', async () => {
    expect(await createTestPki()).toBe(pki);
    const expired = new X509Certificate(pki.expired.cert);
    expect(new Date(expired.validTo).getTime()).toBeLessThan(Date.now());
    const server = new X509Certificate(pki.server.cert);
    expect(server.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(server.verify(new X509Certificate(pki.ca.cert).publicKey)).toBe(true);
    expect(server.verify(new X509Certificate(pki.otherCa.cert).publicKey)).toBe(false);
    expect(pki.clientEncrypted.key).toContain('ENCRYPTED PRIVATE KEY');
  });
});
