import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NoWorkersError } from '@outpools/core';
import { clientOf, redisToml, startPools, type Pools } from './helpers/pools.js';
import { redisExtra, startPrivateRedis, type PrivateRedis, type RedisExtraInfo } from './helpers/servers.js';

let extra: RedisExtraInfo;
let selfSigned: PrivateRedis;
beforeAll(async () => {
  extra = await redisExtra();
  selfSigned = await startPrivateRedis({
    tls: { certFile: extra.selfSignedCertFile, keyFile: extra.selfSignedKeyFile },
  });
});
afterAll(async () => {
  await selfSigned.dispose();
});
const started: Pools[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()));
});

async function tlsPool(port: number, tls: Record<string, string>, connection: Record<string, string | number> = {}) {
  const { pools, report } = await startPools(
    redisToml('tls', { workers: 2, call_timeout: 2000 }, { port, ...connection }, tls),
  );
  started.push(pools);
  return { pools, report, client: clientOf(pools, 'tls') };
}

// The user's path: TOML [connection.tls] -> the engine's mapping -> ctx.tls / ctx.verifyTls -> the
// driver. Every verify_mode edge case is in tls.test.ts; this checks the wiring end to end.
describe('redis pools over TLS, configured from TOML', () => {
  it('verify_mode = "peer": connects to a server signed by the trusted CA and authenticates', async () => {
    const { report, client } = await tlsPool(
      extra.tlsPort,
      { verify_mode: 'peer', cacertfile: extra.caFile },
      { password: extra.password },
    );
    expect(report.ok, report.instances[0]?.error).toBe(true);
    expect(await client.command('ACL', 'WHOAMI')).toBe('default');
    expect(await client.command<string>('CLIENT', 'INFO')).toMatch(/laddr=127\.0\.0\.1:16391/);
  });

  it('verify_mode = "peer": refuses a server signed by another CA, and never authenticates', async () => {
    const { report, client } = await tlsPool(
      extra.tlsPort,
      { verify_mode: 'peer', cacertfile: extra.otherCaFile },
      { password: extra.password },
    );
    expect(report.ok).toBe(false);
    expect(report.instances[0]).toMatchObject({ live: 0 });
    expect(String(report.instances[0]?.error)).not.toContain(extra.password);
    await expect(client.get('k')).rejects.toBeInstanceOf(NoWorkersError);
  });

  it('verify_mode = "peer": refuses a self-signed server', async () => {
    const { report } = await tlsPool(selfSigned.tlsPort ?? 0, { verify_mode: 'peer', cacertfile: extra.caFile });
    expect(report.instances[0]).toMatchObject({ live: 0 });
  });

  it('verify_mode = "selfsigned_peer": accepts a self-signed server', async () => {
    const { report, client } = await tlsPool(selfSigned.tlsPort ?? 0, {
      verify_mode: 'selfsigned_peer',
      cacertfile: extra.caFile,
    });
    expect(report.ok, report.instances[0]?.error).toBe(true);
    expect(await client.ping()).toBe('PONG');
  });

  it('verify_mode = "none": connects whatever the certificate', async () => {
    const { report, client } = await tlsPool(
      extra.tlsPort,
      { verify_mode: 'none', cacertfile: extra.otherCaFile },
      { password: extra.password },
    );
    expect(report.ok, report.instances[0]?.error).toBe(true);
    expect(await client.ping()).toBe('PONG');
  });
});
