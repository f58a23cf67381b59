import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { callContext, withTlsDefaults } from '@outpools/core/driver';
import { QueryTimeoutError, RdbmsConnectError, type RdbmsConnectionOptions } from '@outpools/driver-rdbms';
import { connectRdbms } from '../src/driver.js';
import { PG_CLIENT_GRACE_MS } from '../src/pgsql.js';
import type { RdbmsConnection } from '../src/types.js';
import { OutpoolsError, type TlsConfig } from '@outpools/core';
import { PASSWORD, PG_BASE, PG_TLS, PG_TLS_CA, PG_TLS_PORT } from './helpers/servers.js';
import { coreTlsContext, fakeContext } from './helpers/fake-pool.js';
import { closeAfterEach, recordUnhandled, until, waitUntil } from '@outpools/testing';
import { connectionToml, startRdbms } from './helpers/pools.js';
import { startTlsCluster, stopTlsCluster } from './helpers/cluster.js';

const TLS_SECTION = withTlsDefaults({ verify_mode: 'peer', required: false } as const);
const withTls = (options: RdbmsConnectionOptions, required = false): RdbmsConnectionOptions => ({
  ...options,
  tls: { ...TLS_SECTION, required },
});
const trustCa: ConnectionOptions = { ca: readFileSync(PG_TLS_CA), rejectUnauthorized: true };

const track = closeAfterEach((connection: RdbmsConnection) => connection.close());
const connect = async (options: RdbmsConnectionOptions, ctx = fakeContext()): Promise<RdbmsConnection> =>
  track(await connectRdbms(options, ctx));
async function usesTls(connection: RdbmsConnection): Promise<boolean> {
  const { rows } = await connection.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()', undefined);
  return rows[0]?.['ssl'] === true;
}

describe('pgsql TLS', () => {
  it('uses TLS with a tls section when the server has it, verifying the peer with the CA', async () => {
    const ctx = fakeContext(trustCa);
    const connection = await connect(withTls(PG_TLS), ctx);
    expect(await usesTls(connection)).toBe(true);
    expect(ctx.verified).toHaveLength(1);
  });

  it('continues in plaintext when the server has no TLS and tls.required is false', async () => {
    const connection = await connect(withTls(PG_BASE), fakeContext(trustCa));
    expect(await usesTls(connection)).toBe(false);
  });

  it('refuses a server without TLS when tls.required is true', async () => {
    const error = await connect(withTls(PG_BASE, true), fakeContext(trustCa)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RdbmsConnectError);
    expect((error as Error).message).toMatch(/does not support SSL/);
  });

  it('connects over TLS when tls.required is true and the server has TLS', async () => {
    const connection = await connect(withTls(PG_TLS, true), fakeContext(trustCa));
    expect(await usesTls(connection)).toBe(true);
  });

  it('never falls back to plaintext after a failed certificate check', async () => {
    // verify_mode = "peer" without the test CA: the chain does not verify
    const error = await connect(withTls(PG_TLS), fakeContext({ rejectUnauthorized: true })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RdbmsConnectError);
    expect((error as Error).message).toMatch(/certificate/i);
  });

  it('checks the certificate against the configured SNI host name', async () => {
    const ctx = fakeContext({ ...trustCa, servername: 'wrong.example' });
    const error = await connect(withTls({ ...PG_TLS, host: 'localhost' }), ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RdbmsConnectError);
    expect((error as Error).message).toMatch(/wrong\.example/);
  });

  it('accepts the certificate for the host name localhost', async () => {
    const connection = await connect(withTls({ ...PG_TLS, host: 'localhost' }), fakeContext(trustCa));
    expect(await usesTls(connection)).toBe(true);
  });

  it('refuses the peer when ctx.verifyTls throws on the finished handshake (selfsigned_peer checks)', async () => {
    let peer: string | undefined;
    const ctx = fakeContext({ rejectUnauthorized: false }, (socket) => {
      peer = String(socket.getPeerCertificate().subject?.CN);
      throw new Error('peer refused by verifyTls');
    });
    const error = await connect(withTls(PG_TLS), ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RdbmsConnectError);
    expect((error as Error).message).toContain('peer refused by verifyTls');
    expect(ctx.verified).toHaveLength(1);
    expect(peer).toBe('localhost'); // called on the finished handshake
  });

  it('gives a clear error for a wrong password, without the password in it', async () => {
    const wrong = 'not-the-password-xyz';
    const error = await connect({ ...PG_TLS, password: wrong }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RdbmsConnectError);
    const text = `${(error as Error).message} ${String((error as Error).stack)}`;
    expect(text).toMatch(/password authentication failed for user "outpools"/);
    expect(text).toContain('outpools@127.0.0.1:55433/test');
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(PASSWORD);
  });
});

describe("pgsql TLS with the core's mapping of each verify_mode", () => {
  const tls = (extra: Partial<TlsConfig>): TlsConfig => ({ verify_mode: 'peer', ...extra });

  it('peer with the CA file: verified and encrypted', async () => {
    const connection = await connect(withTls(PG_TLS), coreTlsContext(tls({ cacertfile: PG_TLS_CA }), '127.0.0.1'));
    expect(await usesTls(connection)).toBe(true);
  });

  it('peer without the CA: refused (the chain ends in an unknown self-signed root)', async () => {
    const error = await connect(withTls(PG_TLS), coreTlsContext(tls({}), '127.0.0.1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RdbmsConnectError);
    expect((error as Error).message).toMatch(/self[- ]signed/i);
  });

  it('selfsigned_peer without the CA: accepted after the date and host name checks', async () => {
    const ctx = coreTlsContext(tls({ verify_mode: 'selfsigned_peer' }), '127.0.0.1');
    const connection = await connect(withTls(PG_TLS), ctx);
    expect(await usesTls(connection)).toBe(true);
    expect(ctx.verified).toHaveLength(1);
  });

  it('selfsigned_peer refuses a certificate for another host name', async () => {
    const config = tls({
      verify_mode: 'selfsigned_peer',
      server_name_indication: { enabled: true, host: 'db.example.org', protocol: 'default' },
    });
    const error = await connect(withTls(PG_TLS), coreTlsContext(config, '127.0.0.1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RdbmsConnectError);
    expect((error as Error).message).toMatch(/db\.example\.org/);
  });

  it('none: encrypted without any check', async () => {
    const connection = await connect(withTls(PG_TLS), coreTlsContext(tls({ verify_mode: 'none' }), '127.0.0.1'));
    expect(await usesTls(connection)).toBe(true);
  });
});

describe('pgsql client-side deadline (private cluster)', () => {
  it('fails a statement the server never answers after query_timeout + grace, and reports the connection lost', async () => {
    const ctx = fakeContext();
    const connection = await connect({ ...PG_TLS, query_timeout: 300 }, ctx);
    const pid = Number((await connection.query('SELECT pg_backend_pid() AS pid', undefined)).rows[0]?.['pid']);
    process.kill(pid, 'SIGSTOP'); // the backend stops answering (statement_timeout cannot fire)
    try {
      const started = Date.now();
      // the call's sub-deadline (ctx.armTimeout) bounds the statement client-side
      const error = await connection.query('SELECT 1', undefined, callContext()).catch((e: unknown) => e);
      const took = Date.now() - started;
      expect(error).toBeInstanceOf(QueryTimeoutError);
      expect(took).toBeGreaterThanOrEqual(300 + PG_CLIENT_GRACE_MS);
      expect(took).toBeLessThan(300 + PG_CLIENT_GRACE_MS + 500);
      // reported once the callers have their errors (on the next turn), before the socket's own close events
      await until(() => ctx.lostErrors.length > 0, 1000, 'lost()');
      expect(ctx.lostErrors[0]).toBeInstanceOf(QueryTimeoutError);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  });
});

const TLS_TOML = `[outgoing_pools.rdbms.default.connection.tls]\ncacertfile = "${PG_TLS_CA}"\nrequired = true\n`;

describe('pgsql pool through the engine with a tls section', () => {
  it('goes live over verified TLS with tls.required = true', async () => {
    const { pools, db } = await startRdbms('workers = 2', connectionToml('pgsql', PG_TLS_PORT), TLS_TOML);
    try {
      const { rows } = await db.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      expect(rows[0]?.['ssl']).toBe(true);
      expect((await pools.health())[0]?.ok).toBe(true);
    } finally {
      await pools.stop();
    }
  });

  it('stays without a live worker when the server has no TLS and tls.required = true', async () => {
    const { pools } = await startRdbms('workers = 1', connectionToml('pgsql', 5432), TLS_TOML);
    try {
      const report = await pools.health();
      expect(report[0]?.ok).toBe(false);
      expect(JSON.stringify(report)).not.toContain('outpools-test-pw');
    } finally {
      await pools.stop();
    }
  });
});

describe('pgsql pool while its (private TLS) server is killed and restarted under load', () => {
  const CALL_TIMEOUT = 1000;
  const MAX_START_INTERVAL = 2;

  it('settles every call within call_timeout + 100 ms and is live again within max_start_interval + 1 s', async () => {
    const stray = recordUnhandled();
    const { pools, db } = await startRdbms(
      `workers = 4\ncall_timeout = ${CALL_TIMEOUT}`,
      connectionToml('pgsql', PG_TLS_PORT, `query_timeout = 500\nmax_start_interval = ${MAX_START_INTERVAL}`),
      TLS_TOML,
    );
    expect((await db.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).rows[0]?.['ssl']).toBe(true);
    let running = true;
    let restartedAt = Number.POSITIVE_INFINITY;
    let liveAgainAt = Number.POSITIVE_INFINITY;
    const durations: number[] = [];
    const failures: unknown[] = [];
    const caller = async (n: number): Promise<void> => {
      while (running) {
        const started = Date.now();
        try {
          await db.query('SELECT $1::int AS n', [n]);
          if (started > restartedAt && liveAgainAt === Number.POSITIVE_INFINITY) liveAgainAt = Date.now();
        } catch (error) {
          failures.push(error);
          await new Promise((resolve) => setTimeout(resolve, 5));
        } finally {
          durations.push(Date.now() - started);
        }
      }
    };
    try {
      const callers = Array.from({ length: 20 }, (_, n) => caller(n));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await stopTlsCluster();
      await new Promise((resolve) => setTimeout(resolve, 800));
      await startTlsCluster();
      restartedAt = Date.now();
      const live = await waitUntil(() => liveAgainAt !== Number.POSITIVE_INFINITY, {
        timeoutMs: MAX_START_INTERVAL * 1000 + 1000,
        intervalMs: 20,
      });
      running = false;
      await Promise.all(callers);
      expect(live, 'a call succeeded again after the restart').toBe(true);
      expect(liveAgainAt - restartedAt).toBeLessThanOrEqual(MAX_START_INTERVAL * 1000 + 1000);
      expect(failures.length, 'calls failed while the server was down').toBeGreaterThan(0);
      for (const failure of failures) expect(failure).toBeInstanceOf(OutpoolsError);
      expect(Math.max(...durations)).toBeLessThanOrEqual(CALL_TIMEOUT + 100);
      expect(stray.errors).toEqual([]);
    } finally {
      running = false;
      stray.uninstall();
      await startTlsCluster();
      await pools.stop();
    }
  });
});
