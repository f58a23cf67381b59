import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  toNodeTlsOptions,
  verifyTlsPeer,
  withTlsDefaults,
  type ConnectContext,
  type TlsConfig,
} from '@outpools/core/driver';
import { connectLdap, LdapConnectError, type LdapConnection, type LdapConnectionOptions } from '@outpools/driver-ldap';
import { closeAfterEach, stubContexts } from '@outpools/testing';
import { clientOf, ldapToml, startPools } from './helpers/pools.js';
import {
  ldapService,
  PRIVATE_LDAPS_PORT,
  startPrivateSlapd,
  type LdapServiceInfo,
  type PrivateSlapd,
} from './helpers/servers.js';

// LDAPS with each verify_mode, against the service slapd (certificate signed by the test CA, on
// 127.0.0.1:13636) and a private slapd serving a self-signed certificate (127.0.0.1:13637).
let info: LdapServiceInfo;
let selfSigned: PrivateSlapd;
/** Serves the CA-signed certificate alone (no chain). */
let leafOnly: PrivateSlapd;
beforeAll(async () => {
  info = await ldapService();
  selfSigned = await startPrivateSlapd(info, {
    host: '127.0.0.1',
    cert: { certFile: info.selfSignedCertFile, keyFile: info.selfSignedKeyFile },
  });
  leafOnly = await startPrivateSlapd(info, { host: '127.0.0.1', port: 13391, ldapsPort: 13638, leafOnly: true });
});
afterAll(async () => {
  await selfSigned?.dispose();
  await leafOnly?.dispose();
});

const track = closeAfterEach((connection: LdapConnection) => connection.close());
const stub = stubContexts('ldap');

function options(host: string, port: number, tls: TlsConfig | undefined, bind = true): LdapConnectionOptions {
  return {
    servers: [host],
    port,
    root_dn: bind ? info.rootDn : '',
    password: bind ? info.rootPassword : '',
    connect_interval: 100,
    ...(tls !== undefined && { tls: withTlsDefaults(tls) }),
  };
}

/** A connect context whose `tlsFor` maps the section with the core's mapping, as the engine does. */
function contextFor(tls: TlsConfig | undefined): ConnectContext {
  return {
    ...stub.connect,
    tlsFor: (host) =>
      tls === undefined
        ? undefined
        : { options: toNodeTlsOptions(tls, { host }), verify: (socket) => verifyTlsPeer(socket, tls, { host }) },
  };
}

async function connect(host: string, port: number, tls: TlsConfig | undefined, bind = true): Promise<LdapConnection> {
  return track(await connectLdap(options(host, port, tls, bind), contextFor(tls)));
}

async function refusal(host: string, port: number, tls: TlsConfig | undefined, bind = true): Promise<LdapConnectError> {
  const error = await connectLdap(options(host, port, tls, bind), contextFor(tls)).then(
    (c) => {
      track(c);
      throw new Error('connected, but a refusal was expected');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LdapConnectError);
  expect(inspect(error, { depth: 10, showHidden: true }) + String((error as Error).stack)).not.toContain(
    info.rootPassword,
  );
  return error as LdapConnectError;
}

const peer = (cacertfile: string, extra: Partial<TlsConfig> = {}): TlsConfig =>
  ({ verify_mode: 'peer', cacertfile, ...extra }) as TlsConfig;
const selfsignedPeer = (cacertfile: string, extra: Partial<TlsConfig> = {}): TlsConfig =>
  ({ verify_mode: 'selfsigned_peer', cacertfile, ...extra }) as TlsConfig;
const sniHost = (host: string): Partial<TlsConfig> =>
  ({ server_name_indication: { enabled: true, host, protocol: 'default' } }) as Partial<TlsConfig>;

describe('LDAPS with each verify_mode', () => {
  it('peer: connects to a server signed by the trusted CA (by IP address and by name), then binds', async () => {
    for (const host of ['127.0.0.1', 'localhost']) {
      const connection = await connect(host, info.ldapsPort, peer(info.caFile));
      expect(connection.server).toBe(`${host}:${info.ldapsPort}`);
      expect(
        await connection.run(
          stub.call,
          'whoami',
          async (client) => (await client.exop('1.3.6.1.4.1.4203.1.11.3')).value,
        ),
      ).toBe(`dn:${info.rootDn}`);
    }
  });

  it('peer: refuses a server signed by another CA, before sending the bind', async () => {
    const error = await refusal('127.0.0.1', info.ldapsPort, peer(info.otherCaFile));
    expect(error.message).toMatch(/unable to verify|certificate/i);
    expect(error.attempts).toHaveLength(1);
  });

  it('peer: refuses a self-signed server', async () => {
    const error = await refusal('127.0.0.1', PRIVATE_LDAPS_PORT, peer(info.caFile));
    expect(error.message).toMatch(/self[- ]signed/i);
  });

  it('peer: refuses a certificate for another host name (SNI host)', async () => {
    const error = await refusal('127.0.0.1', info.ldapsPort, peer(info.caFile, sniHost('other.example')));
    expect(error.message).toMatch(/other\.example|altnames/i);
  });

  it('selfsigned_peer: accepts a self-signed server', async () => {
    const connection = await connect('127.0.0.1', PRIVATE_LDAPS_PORT, selfsignedPeer(info.caFile));
    expect(connection.server).toBe(`127.0.0.1:${PRIVATE_LDAPS_PORT}`);
  });

  it('selfsigned_peer: accepts a certificate signed by the trusted CA, and refuses one from an unknown CA', async () => {
    await connect('127.0.0.1', info.ldapsPort, selfsignedPeer(info.caFile));
    await connect('127.0.0.1', leafOnly.ldapsPort, selfsignedPeer(info.caFile));
    // (a server that sends its self-signed root in the chain is accepted: selfsigned_peer allows a self-signed root)
    const error = await refusal('127.0.0.1', leafOnly.ldapsPort, selfsignedPeer(info.otherCaFile));
    expect(error.message).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to verify/i);
  });

  it('selfsigned_peer: refuses a self-signed certificate for another host name', async () => {
    const error = await refusal(
      '127.0.0.1',
      PRIVATE_LDAPS_PORT,
      selfsignedPeer(info.caFile, sniHost('not-this-server.example')),
    );
    expect(error.message).toMatch(/not-this-server\.example/);
  });

  it('none: connects whatever the certificate', async () => {
    await connect('127.0.0.1', info.ldapsPort, { verify_mode: 'none', cacertfile: info.otherCaFile } as TlsConfig);
    await connect('127.0.0.1', PRIVATE_LDAPS_PORT, { verify_mode: 'none' } as TlsConfig);
  });

  it('fails instead of hanging: TLS to the plain port, and plain LDAP to the LDAPS port', async () => {
    const tlsToPlain = await refusal('127.0.0.1', info.port, peer(info.caFile));
    expect(tlsToPlain.message).toContain(`127.0.0.1:${info.port}`);
    const plainToTls = await refusal('127.0.0.1', info.ldapsPort, undefined, false);
    expect(plainToTls.message).toContain(`127.0.0.1:${info.ldapsPort}`);
  });
});

describe('a connect context without a TLS mapping', () => {
  it('refuses to connect in plaintext when the pool has a tls section', async () => {
    const error = await connectLdap(options('127.0.0.1', info.ldapsPort, peer(info.caFile)), stub.connect).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain('maps no TLS for 127.0.0.1');
  });
});

describe('LDAPS pools from TOML', () => {
  it('defaults the port to 636 with a tls section, and runs calls over LDAPS with the CA check', async () => {
    const { pools, report } = await startPools(
      ldapToml(
        'tls',
        { workers: 2 },
        { servers: ['localhost'], port: info.ldapsPort, root_dn: info.rootDn, password: info.rootPassword },
        {
          verify_mode: 'peer',
          cacertfile: info.caFile,
        },
      ),
    );
    try {
      expect(report.ok, JSON.stringify(report)).toBe(true);
      const ldap = clientOf(pools, 'tls');
      expect(await ldap.checkPassword(info.userDn, info.userPassword)).toBe(true);
      expect(await ldap.whoami()).toBe(`dn:${info.rootDn}`);
    } finally {
      await pools.stop();
    }
  });
});
