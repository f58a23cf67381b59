import { describe, expect, it } from 'vitest';
import type { TlsConfig } from '@outpools/core';
import { withTlsDefaults } from '@outpools/core/driver';
import { RdbmsConnectError, type RdbmsConnectionOptions } from '@outpools/driver-rdbms';
import { connectRdbms } from '../src/driver.js';
import type { RdbmsConnection } from '../src/types.js';
import { MARIADB, MARIADB_TLS, MARIADB_TLS_CA } from './helpers/servers.js';
import { coreTlsContext, fakeContext } from './helpers/fake-pool.js';
import { closeAfterEach } from '@outpools/testing';
import { connectionToml, startRdbms } from './helpers/pools.js';

const TLS_SECTION = withTlsDefaults({ verify_mode: 'peer', required: false } as const);
const withTls = (options: RdbmsConnectionOptions): RdbmsConnectionOptions => ({ ...options, tls: { ...TLS_SECTION } });
const tls = (extra: Partial<TlsConfig>): TlsConfig => ({ verify_mode: 'peer', ...extra });

const track = closeAfterEach((connection: RdbmsConnection) => connection.close());
const connect = async (options: RdbmsConnectionOptions, ctx = fakeContext()): Promise<RdbmsConnection> =>
  track(await connectRdbms(options, ctx));
async function cipher(connection: RdbmsConnection): Promise<string> {
  const { rows } = await connection.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'", undefined);
  return String(rows[0]?.['Value'] ?? '');
}

describe("mysql TLS against the private MariaDB with TLS, with the core's mapping", () => {
  it('peer with the CA file: verified and encrypted', async () => {
    const ctx = coreTlsContext(tls({ cacertfile: MARIADB_TLS_CA }), '127.0.0.1');
    const connection = await connect(withTls(MARIADB_TLS), ctx);
    expect(await cipher(connection)).not.toBe('');
    expect(ctx.verified).toHaveLength(1);
  });

  it('peer without the CA: refused', async () => {
    const error = await connect(withTls(MARIADB_TLS), coreTlsContext(tls({}), '127.0.0.1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RdbmsConnectError);
    expect((error as Error).message).toMatch(/certificate/i);
  });

  it('peer checks the host name also for an IP address host (mysql2 itself would not)', async () => {
    const config = tls({
      cacertfile: MARIADB_TLS_CA,
      server_name_indication: { enabled: true, host: 'db.example.org', protocol: 'default' },
    });
    const error = await connect(withTls(MARIADB_TLS), coreTlsContext(config, '127.0.0.1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RdbmsConnectError);
    expect((error as Error).message).toMatch(/db\.example\.org/);
  });

  it('selfsigned_peer without the CA: accepted after the date and host name checks', async () => {
    const ctx = coreTlsContext(tls({ verify_mode: 'selfsigned_peer' }), '127.0.0.1');
    const connection = await connect(withTls(MARIADB_TLS), ctx);
    expect(await cipher(connection)).not.toBe('');
    expect(ctx.verified).toHaveLength(1);
  });

  it('selfsigned_peer refuses a certificate for another host name', async () => {
    const config = tls({
      verify_mode: 'selfsigned_peer',
      server_name_indication: { enabled: true, host: 'db.example.org', protocol: 'default' },
    });
    const error = await connect(withTls(MARIADB_TLS), coreTlsContext(config, '127.0.0.1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RdbmsConnectError);
    expect((error as Error).message).toMatch(/db\.example\.org/);
  });

  it('a pool with a tls section goes live over TLS through the engine', async () => {
    const { pools, db } = await startRdbms(
      'workers = 2',
      connectionToml('mysql', 33307),
      `[outgoing_pools.rdbms.default.connection.tls]\ncacertfile = "${MARIADB_TLS_CA}"\n`,
    );
    try {
      const { rows } = await db.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
      expect(String(rows[0]?.['Value'])).not.toBe('');
    } finally {
      await pools.stop();
    }
  });
});

describe('mysql TLS and authentication', () => {
  it('requires TLS whenever the tls section is present (the base MariaDB has none)', async () => {
    const error = await connect(
      { ...MARIADB, tls: { ...TLS_SECTION } },
      fakeContext({ rejectUnauthorized: true }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RdbmsConnectError);
    expect((error as Error).message).toMatch(/with TLS/);
    expect((error as Error).message).toMatch(/secure connection|SSL|TLS/i);
  });

  it('gives a clear error for a wrong password, without the password in it', async () => {
    const wrong = 'not-the-password-xyz';
    const error = await connect({ ...MARIADB, password: wrong }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RdbmsConnectError);
    const text = `${(error as Error).message} ${String((error as Error).stack)}`;
    expect(text).toMatch(/Access denied for user 'outpools'/);
    expect(text).not.toContain(wrong);
  });
});
