import { beforeAll } from 'vitest';
import { describeConformance, type TomlValue } from '@outpools/testing';
import { ldapDriver } from '@outpools/driver-ldap';
import { ldapService } from './helpers/servers.js';

beforeAll(async () => {
  await ldapService();
});

// The shared suite against the service slapd (scripts/services/40-ldap.sh): anonymous, bound as
// the root DN (the suite checks the password is never printed), and over LDAPS with the test CA.
const SERVICE = '/tmp/outpools-services/ldap';
/** The conformance case that breaks a pooled connection does it with a proxy in front of `port`. */
const proxied = (port: number, connection: Record<string, TomlValue>) => ({
  proxy: { host: '127.0.0.1', port },
  through: (proxyPort: number) => ({ ...connection, servers: ['127.0.0.1'], port: proxyPort }),
});

describeConformance({
  title: 'ldap pool type conformance (anonymous)',
  driver: ldapDriver,
  connection: { servers: ['127.0.0.1'], port: 13389 },
  breakConnection: proxied(13389, {}),
  packageName: '@outpools/driver-ldap',
  live: true,
});

describeConformance({
  title: 'ldap pool type conformance (root bind)',
  driver: ldapDriver,
  connection: {
    servers: ['127.0.0.1'],
    port: 13389,
    root_dn: 'cn=admin,dc=example,dc=com',
    password: 'outpools-ldap-root-secret',
  },
  breakConnection: proxied(13389, { root_dn: 'cn=admin,dc=example,dc=com', password: 'outpools-ldap-root-secret' }),
  live: true,
});

describeConformance({
  title: 'ldap pool type conformance (LDAPS)',
  driver: ldapDriver,
  connection: {
    servers: ['localhost'],
    port: 13636,
    root_dn: 'cn=admin,dc=example,dc=com',
    password: 'outpools-ldap-root-secret',
    tls: { verify_mode: 'peer', cacertfile: `${SERVICE}/ca.crt` },
  },
  // the service certificate names 127.0.0.1 too
  breakConnection: proxied(13636, {
    root_dn: 'cn=admin,dc=example,dc=com',
    password: 'outpools-ldap-root-secret',
    tls: { verify_mode: 'peer', cacertfile: `${SERVICE}/ca.crt` },
  }),
  live: true,
});
