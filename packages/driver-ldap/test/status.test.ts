import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
// The `outpools` command (`@outpools/core/cli`) run from source, like every package in these tests.
import { cliFolder } from '../../core/test/cli-run.js';
import { ldapService, type LdapServiceInfo } from './helpers/servers.js';

const plugin = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const { outpools, file } = cliFolder('outpools-ldap-status-');
let info: LdapServiceInfo;
beforeAll(async () => {
  info = await ldapService();
});

describe('outpools status with ldap pools', () => {
  it('shows every ldap pool live (plain with root bind, anonymous, LDAPS) and no password', async () => {
    const config = file(
      'ldap.toml',
      `[outgoing_pools.ldap.root]
workers = 2
[outgoing_pools.ldap.root.connection]
servers = ["127.0.0.1"]
port = ${info.port}
root_dn = "${info.rootDn}"
password = "${info.rootPassword}"

[outgoing_pools.ldap.anonymous]
workers = 1
[outgoing_pools.ldap.anonymous.connection]
servers = ["127.0.0.1"]
port = ${info.port}

[outgoing_pools.ldap.secure]
workers = 1
[outgoing_pools.ldap.secure.connection]
servers = ["localhost"]
root_dn = "${info.rootDn}"
password = "${info.rootPassword}"
port = ${info.ldapsPort}
[outgoing_pools.ldap.secure.connection.tls]
cacertfile = "${info.caFile}"
`,
    );
    const { code, stdout, stderr } = await outpools('status', config, '--json', '--plugin', plugin);
    expect(code, stderr + stdout).toBe(0);
    const report = JSON.parse(stdout) as {
      ok: boolean;
      instances: { tag: string; live: number; workers: number; health: { ok: boolean } }[];
    };
    expect(report.ok).toBe(true);
    expect(report.instances.map((i) => [i.tag, i.live, i.workers, i.health.ok]).sort()).toEqual([
      ['anonymous', 1, 1, true],
      ['root', 2, 2, true],
      ['secure', 1, 1, true],
    ]);
    expect(stdout + stderr).not.toContain(info.rootPassword);
    const text = await outpools('status', config, '--plugin', plugin);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/ldap\.root/);
    expect(text.stdout + text.stderr).not.toContain(info.rootPassword);
  });

  it('exits 1 for an ldap pool with no live worker, without printing its password', async () => {
    const config = file(
      'dead.toml',
      `[outgoing_pools.ldap.dead]
workers = 1
call_timeout = 1000
[outgoing_pools.ldap.dead.connection]
servers = ["127.0.0.1"]
port = ${info.port}
root_dn = "${info.rootDn}"
password = "status-wrong-secret-42"
`,
    );
    const { code, stdout, stderr } = await outpools('status', config, '--plugin', plugin);
    expect(code).toBe(1);
    expect(stdout + stderr).toContain('InvalidCredentialsError');
    expect(stdout + stderr).not.toContain('status-wrong-secret-42');
  });
});
