/**
 * Fault scenarios for ldap pools, against a private slapd (behind the fault proxy, or SIGKILLed
 * and started again; its mdb database survives). Each call adds the entry `cn=<id>` under
 * `ou=scratch` (an add is never retried by the pool: it is not idempotent).
 */
import { poolToml } from '@outpools/testing';
import { ldapDriver, type LdapClient } from '@outpools/driver-ldap';
import { loadLdapts } from '../../packages/driver-ldap/src/load.js';
import type { OwnedBackend } from './harness.js';
import { startPrivateSlapd } from './servers.js';
import { describeFaults, LDAP_FAULTS } from './suite.js';

const BASE = 'ou=scratch,dc=example,dc=com';

async function setup(): Promise<OwnedBackend<LdapClient>> {
  await loadLdapts(); // its import time must not count against a connect bound
  const server = await startPrivateSlapd();
  return {
    name: 'ldap',
    driver: ldapDriver,
    target: { port: server.port },
    restartable: server,
    toml: (tag, port, pool) =>
      poolToml('ldap', tag, pool, {
        servers: ['127.0.0.1'],
        port,
        root_dn: server.rootDn,
        password: server.rootPassword,
      }),
    client: (pools, tag) => pools.get(ldapDriver, 'global', tag),
    write: (client, id) => client.add(`cn=${id},${BASE}`, { objectClass: ['person'], cn: id, sn: 'fault' }),
    async counts(client, ids) {
      const prefix = (ids[0] ?? '').split('-')[0];
      const { entries } = await client.search(BASE, {
        scope: 'one',
        filter: `(cn=${prefix}-*)`,
        attributes: ['cn'],
        paged: { pageSize: 100 },
      });
      const counts = new Map<string, number>();
      for (const entry of entries) {
        const cn = String(entry['cn']);
        counts.set(cn, (counts.get(cn) ?? 0) + 1);
      }
      return counts;
    },
    dispose: () => server.dispose(),
  };
}

describeFaults('ldap', setup, LDAP_FAULTS);
