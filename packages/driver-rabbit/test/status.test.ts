// `outpools status` on a configuration with rabbit pools: the CLI's own entry (the sources, as the
// core's CLI tests run it) loads this driver as a plugin, starts the pools, pings them and stops.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliFolder } from '../../core/test/cli-run.js';
import { rabbitInfo, type RabbitInfo } from './helpers/servers.js';

const plugin = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const { outpools, file: write } = cliFolder('outpools-rabbit-status-');
let info: RabbitInfo;
beforeAll(async () => {
  info = await rabbitInfo();
});

describe('outpools status with rabbit pools', () => {
  it('shows every rabbit pool live and healthy (plain, confirms, AMQPS), without the password', async () => {
    const file = write(
      'live.toml',
      `[outgoing_pools.rabbit.event_pusher]
workers = 3
[outgoing_pools.rabbit.event_pusher.connection]
host = "127.0.0.1"
confirms_enabled = true

[outgoing_pools.rabbit.secure]
workers = 2
[outgoing_pools.rabbit.secure.connection]
host = "127.0.0.1"
port = ${info.tlsPort}
username = "${info.username}"
password = "${info.password}"
[outgoing_pools.rabbit.secure.connection.tls]
verify_mode = "peer"
cacertfile = "${info.caFile}"
`,
    );
    const { code, stdout, stderr } = await outpools('status', file, '--json', '--plugin', plugin);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { ok: boolean; instances: Array<Record<string, unknown>> };
    expect(report.ok).toBe(true);
    expect(report.instances).toEqual([
      expect.objectContaining({
        type: 'rabbit',
        tag: 'event_pusher',
        live: 3,
        workers: 3,
        health: expect.objectContaining({ ok: true }),
      }),
      expect.objectContaining({
        type: 'rabbit',
        tag: 'secure',
        live: 2,
        workers: 2,
        health: expect.objectContaining({ ok: true }),
      }),
    ]);
    expect(stdout).not.toContain(info.password);
  });

  it('exits 1 for a pool with a wrong password and prints the refusal, not the password', async () => {
    const file = write(
      'wrong.toml',
      `[outgoing_pools.rabbit.refused]
workers = 1
call_timeout = 2000
[outgoing_pools.rabbit.refused.connection]
host = "127.0.0.1"
password = "Wr0ng-rabbit-pa55"
`,
    );
    const { code, stdout, stderr } = await outpools('status', file, '--plugin', plugin);
    expect(code).toBe(1);
    expect(stdout + stderr).toMatch(/refused/);
    expect(stdout + stderr).not.toContain('Wr0ng-rabbit-pa55');
  });
});
