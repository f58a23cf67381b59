import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TLSSocket } from 'node:tls';
import type { Pools } from '@outpools/core';
import { createTestPki, type TestPki } from '@outpools/testing';
import { cassandraToml, clientOf, startPools } from './helpers/pools.js';
import { CA_FILE, CONNECTION, PASSWORD, useCassandra } from './helpers/server.js';

// One node serves plaintext and TLS on the same port (client_encryption_options optional: true);
// its certificate (SAN IP:127.0.0.1, DNS:localhost) is signed by the test CA, which it sends in
// its chain: without the CA a client sees SELF_SIGNED_CERT_IN_CHAIN.
useCassandra();
let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
}, 60_000);

interface Internals {
  client: { hosts: { values(): Array<{ pool: { connections: Array<{ netClient: unknown }> } }> } };
}

describe('cassandra over TLS with each verify_mode (live)', () => {
  let pools: Pools | undefined;
  afterEach(async () => {
    await pools?.stop();
    pools = undefined;
  });

  async function start(tag: string, tls: Record<string, unknown>): Promise<{ ok: boolean; error: string | undefined }> {
    const started = await startPools(cassandraToml(tag, { workers: 2 }, CONNECTION, tls as never));
    pools = started.pools;
    const instance = started.report.instances[0];
    if (instance?.error !== undefined) expect(instance.error).not.toContain(PASSWORD);
    return { ok: started.report.ok, error: instance?.error };
  }

  /** Every connection of every worker is a TLS socket, and a statement runs. */
  async function expectTlsWorks(tag: string): Promise<void> {
    const pool = pools!.pool('cassandra', 'global', tag);
    for (let i = 0; i < 4; i += 1) {
      const c = (await pool.run((connection) => connection)) as Internals;
      for (const host of c.client.hosts.values()) {
        for (const connection of host.pool.connections) expect(connection.netClient).toBeInstanceOf(TLSSocket);
      }
    }
    const row = (await clientOf(pools!, tag).execute('SELECT release_version FROM system.local')).first();
    expect(row?.['release_version']).toMatch(/^5\.0\./);
  }

  it('peer: connects when the CA is trusted', async () => {
    const result = await start('tls_peer', { verify_mode: 'peer', cacertfile: CA_FILE });
    expect(result).toEqual({ ok: true, error: undefined });
    await expectTlsWorks('tls_peer');
  });

  it('peer: refuses a node whose certificate another CA signed', async () => {
    const result = await start('tls_wrong_ca', { verify_mode: 'peer', cacertfile: pki.otherCa.certFile });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/certificate/i);
  });

  it('peer: refuses the node without its CA (self-signed root in the chain)', async () => {
    const result = await start('tls_no_ca', { verify_mode: 'peer' });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/self[- ]signed certificate in certificate chain/i);
  });

  it('peer: refuses a node whose certificate does not name the SNI host', async () => {
    const result = await start('tls_peer_name', {
      verify_mode: 'peer',
      cacertfile: CA_FILE,
      server_name_indication: { host: 'wrong.example.invalid' },
    });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/wrong\.example\.invalid|altnames/i);
  });

  it('selfsigned_peer: accepts the self-signed root without a CA file', async () => {
    const result = await start('tls_selfsigned', { verify_mode: 'selfsigned_peer' });
    expect(result).toEqual({ ok: true, error: undefined });
    await expectTlsWorks('tls_selfsigned');
  });

  it('selfsigned_peer: still checks the host name (before any credential is sent)', async () => {
    const result = await start('tls_selfsigned_name', {
      verify_mode: 'selfsigned_peer',
      server_name_indication: { host: 'wrong.example.invalid' },
    });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/TLS check of 127\.0\.0\.1:19042 failed/);
    expect(result.error).toMatch(/wrong\.example\.invalid|altnames/i);
  });

  it('none: connects without checking anything', async () => {
    const result = await start('tls_none', {
      verify_mode: 'none',
      server_name_indication: { host: 'wrong.example.invalid' },
    });
    expect(result).toEqual({ ok: true, error: undefined });
    await expectTlsWorks('tls_none');
  });
});
