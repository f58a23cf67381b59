// `connection.reconnect` (current MongooseIM): its defaults, how `outpools check --json` prints
// them, and the pacing of a real rabbit pool's reconnect attempts against a port nobody listens on.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createPools, DriverRegistry, parseConfig, type ReconnectAttemptEvent } from '@outpools/core';
import { rabbitDriver, rabbitReconnect, type RabbitConnectionOptions } from '@outpools/driver-rabbit';
import { schemaChecker, waitUntil } from '@outpools/testing';
import { main, type CliIo } from '../../core/src/cli/main.js';

const plugin = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'outpools-rabbit-reconnect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const {
  check,
  withConnection,
  errorPaths,
  connectionOf,
  connectionPath: C,
} = schemaChecker<RabbitConnectionOptions>(rabbitDriver, 'event_pusher');

async function checkJson(toml: string): Promise<{ code: number; report: Record<string, unknown> }> {
  const file = join(dir, `pools-${Math.random().toString(36).slice(2)}.toml`);
  writeFileSync(file, toml);
  let stdout = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: () => undefined, cwd: dir };
  const code = await main(['check', file, '--json', '--plugin', plugin], io);
  return { code, report: JSON.parse(stdout) as Record<string, unknown> };
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('rabbit connection.reconnect', () => {
  it('defaults to attempts = 0 and delay = 2000 ms, takes non-negative integers, refuses others', () => {
    expect(connectionOf(check(withConnection('')))?.reconnect).toEqual({ attempts: 0, delay: 2000 });
    const given = check(withConnection('reconnect.attempts = 5\nreconnect.delay = 0'));
    expect(connectionOf(given)?.reconnect).toEqual({ attempts: 5, delay: 0 });
    expect(errorPaths(check(withConnection('reconnect.attempts = -1')))).toEqual([`${C}.reconnect.attempts`]);
    expect(errorPaths(check(withConnection('reconnect.delay = "infinity"')))).toEqual([`${C}.reconnect.delay`]);
    expect(errorPaths(check(withConnection('reconnect.tries = 1')))).toEqual([`${C}.reconnect.tries`]);
  });

  it('is printed with its defaults by outpools check --json, like the TLS defaults', async () => {
    const { code, report } = await checkJson(
      '[outgoing_pools.rabbit.event_pusher]\nmax_worker_queue_len = 50\n' +
        '[outgoing_pools.rabbit.event_pusher.connection]\n' +
        '[outgoing_pools.rabbit.event_pusher.connection.tls]\nverify_mode = "none"\n',
    );
    expect(code).toBe(0);
    const pool = (report['pools'] as Record<string, Record<string, unknown>>[])[0];
    expect(pool?.['options']).toEqual({
      strategy: 'best_worker',
      workers: 10,
      call_timeout: 5000,
      max_worker_queue_len: 50,
    });
    expect(pool?.['connection']).toMatchObject({
      max_worker_queue_len: 1000,
      reconnect: { attempts: 0, delay: 2000 },
      tls: {
        verify_mode: 'none',
        disconnect_on_failure: true,
        crl_files: [],
        server_name_indication: { enabled: true, protocol: 'default' },
      },
    });
  });

  it('maps to the reconnect policy: the first attempts at the fixed delay, then the backoff', () => {
    const options = connectionOf(check(withConnection('reconnect.attempts = 5\nreconnect.delay = 1000')));
    expect(options && rabbitReconnect(options)).toEqual({
      kind: 'exponential',
      baseMs: 1000,
      capMs: 30_000,
      firstRetries: { attempts: 5, delayMs: 1000 },
    });
    const defaults = connectionOf(check(withConnection('')));
    expect(defaults && rabbitReconnect(defaults)).toEqual({ kind: 'exponential', baseMs: 1000, capMs: 30_000 });
  });

  it('paces a real pool: the first attempts come delay ms apart, later ones back off', async () => {
    const port = await closedPort();
    const registry = new DriverRegistry([rabbitDriver]);
    const toml =
      '[outgoing_pools.rabbit.default]\nworkers = 1\ncall_timeout = 2000\n' +
      `[outgoing_pools.rabbit.default.connection]\nhost = "127.0.0.1"\nport = ${port}\n` +
      'reconnect.attempts = 3\nreconnect.delay = 40\n';
    const pools = createPools(parseConfig(toml, { registry }), { registry });
    const attempts: ReconnectAttemptEvent[] = [];
    pools.events.on('reconnect_attempt', (event) => attempts.push(event));
    try {
      const report = await pools.start();
      expect(report.instances[0]).toMatchObject({ live: 0 });
      await waitUntil(() => attempts.length >= 4, { timeoutMs: 10_000 });
    } finally {
      await pools.stop();
    }
    expect(attempts.slice(0, 3).map((a) => a.delayMs)).toEqual([40, 40, 40]);
    expect(attempts[3]?.delayMs).toBeLessThan(1000); // full jitter below the 1 s base
    expect(attempts[0]?.error).toMatch(/ECONNREFUSED/);
  });
});
