import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, type TestCertificate, type TestPki } from '@outpools/testing';
import { httpDriverWith, httpToml, startPools } from './helpers/pools.js';
import { until } from '@outpools/testing';
import { startServer, type TestServer } from './helpers/servers.js';

type TomlTable = Record<string, string | boolean>;

describe('https pools against real node:https servers with test certificates', () => {
  let pki: TestPki;
  const servers = new Map<string, TestServer>();
  beforeAll(async () => {
    pki = await createTestPki();
    const certs: Record<string, TestCertificate> = {
      server: pki.server,
      wrongHost: pki.wrongHost,
      selfSigned: pki.selfSigned,
      selfSignedWrongHost: pki.selfSignedWrongHost,
      expired: pki.expired,
    };
    for (const [name, cert] of Object.entries(certs)) {
      servers.set(name, await startServer({ tls: { key: cert.key, cert: cert.cert } }));
    }
  });
  afterAll(async () => {
    for (const server of servers.values()) await server.dispose();
  });

  /** Start a one-worker pool against `serverName`; return live workers, an error, and the server's view. */
  async function attempt(serverName: string, tls: TomlTable | undefined, sni?: TomlTable) {
    const server = servers.get(serverName)!;
    const seenBefore = server.seen.length;
    const { pools, report, client } = await startPools(
      httpToml('tls', { workers: 1, call_timeout: 3000 }, { host: server.origin }, tls ?? undefined, sni),
    );
    try {
      const instance = report.instances[0]!;
      let body: unknown;
      if (instance.live === 1) body = (await client('tls').get('/secure')).body;
      return { live: instance.live, error: instance.error ?? '', body, seen: server.seen.slice(seenBefore) };
    } finally {
      await pools.stop();
    }
  }

  it('connects with verify_mode = "peer" and the right CA', async () => {
    const result = await attempt('server', { cacertfile: pki.ca.certFile });
    expect(result.live).toBe(1);
    expect(result.body).toBe('ok GET /secure');
    // An IP address as host and no SNI host: no server name is sent.
    expect(result.seen[0]?.servername).toBe(false);
  });

  it('refuses the server with verify_mode = "peer" and another CA (no live worker)', async () => {
    const result = await attempt('server', { cacertfile: pki.otherCa.certFile });
    expect(result.live).toBe(0);
    expect(result.error).toMatch(/certificate|self.signed|issuer/i);
    expect(result.seen).toEqual([]);
  });

  it("refuses a private CA without cacertfile (Node's default trust store), with or without a tls section", async () => {
    expect((await attempt('server', {})).live).toBe(0);
    expect((await attempt('server', undefined)).live).toBe(0);
  });

  it('refuses a self-signed certificate with "peer" and accepts it with "selfsigned_peer"', async () => {
    expect((await attempt('selfSigned', { verify_mode: 'peer' })).live).toBe(0);
    const accepted = await attempt('selfSigned', { verify_mode: 'selfsigned_peer' });
    expect(accepted.live).toBe(1);
    expect(accepted.body).toBe('ok GET /secure');
  });

  it('refuses an expired self-signed certificate with "selfsigned_peer" before sending any request', async () => {
    const result = await attempt('expired', { verify_mode: 'selfsigned_peer' });
    expect(result.live).toBe(0);
    expect(result.error).toMatch(/expired|valid/i);
    expect(result.seen).toEqual([]);
  });

  it('refuses a self-signed certificate for another host name with "selfsigned_peer", unless the SNI host names it', async () => {
    expect((await attempt('selfSignedWrongHost', { verify_mode: 'selfsigned_peer' })).live).toBe(0);
    const named = await attempt(
      'selfSignedWrongHost',
      { verify_mode: 'selfsigned_peer' },
      { host: 'wrong.example.invalid' },
    );
    expect(named.live).toBe(1);
    expect(named.seen[0]?.servername).toBe('wrong.example.invalid');
  });

  it('refuses a CA-signed certificate for the wrong host name, and accepts it when the SNI host names it', async () => {
    const wrong = await attempt('wrongHost', { cacertfile: pki.ca.certFile });
    expect(wrong.live).toBe(0);
    expect(wrong.seen).toEqual([]);
    const named = await attempt('wrongHost', { cacertfile: pki.ca.certFile }, { host: 'wrong.example.invalid' });
    expect(named.live).toBe(1);
    expect(named.body).toBe('ok GET /secure');
    expect(named.seen[0]?.servername).toBe('wrong.example.invalid');
  });

  it('sends the SNI host and checks the certificate against it (localhost)', async () => {
    const result = await attempt('server', { cacertfile: pki.ca.certFile }, { host: 'localhost' });
    expect(result.live).toBe(1);
    expect(result.seen[0]?.servername).toBe('localhost');
  });

  it('with SNI disabled sends no server name and skips the host name check', async () => {
    const result = await attempt('wrongHost', { cacertfile: pki.ca.certFile }, { enabled: false });
    expect(result.live).toBe(1);
    expect(result.seen[0]?.servername).toBe(false);
  });

  it('verifies every new socket, not only the first: a server that comes back with an expired certificate is refused', async () => {
    const first = await startServer({ tls: { key: pki.selfSigned.key, cert: pki.selfSigned.cert } });
    const { pools, report, client } = await startPools(
      httpToml('again', { workers: 1, call_timeout: 3000 }, { host: first.origin }, { verify_mode: 'selfsigned_peer' }),
      httpDriverWith({ kind: 'exponential', baseMs: 50, capMs: 200 }),
    );
    const port = first.port;
    let second: TestServer | undefined;
    try {
      expect(report.ok).toBe(true);
      expect((await client('again').get('/one')).statusCode).toBe(200);
      await first.kill();
      second = await startServer({ port, tls: { key: pki.expired.key, cert: pki.expired.cert } });
      const live = (): number => pools.pool('http', 'global', 'again').stats().workers.live;
      await until(() => live() === 0, 2000, 'the worker to be taken out');
      // It keeps trying, and keeps refusing: the new server never receives a request.
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(live()).toBe(0);
      expect(second.seen).toEqual([]);
    } finally {
      await pools.stop();
      await second?.dispose();
      await first.dispose();
    }
  });

  it('connects to anything with verify_mode = "none"', async () => {
    for (const name of ['expired', 'selfSignedWrongHost', 'wrongHost', 'server']) {
      const result = await attempt(name, { verify_mode: 'none' });
      expect(result.live, name).toBe(1);
      expect(result.body, name).toBe('ok GET /secure');
    }
  });
});
