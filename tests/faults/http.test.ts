/**
 * Fault scenarios for http pools, plain and over TLS (peer-verified with a test CA), against a
 * counting server in the test process (behind the fault proxy, or crashed and listening again).
 * Each call is `POST /w/<id>` (never retried by the pool: POST is not idempotent).
 */
import { createTestPki, poolToml, type TomlTable } from '@outpools/testing';
import { httpDriver, type HttpClient } from '@outpools/driver-http';
import { loadUndici } from '../../packages/driver-http/src/load.js';
import type { OwnedBackend } from './harness.js';
import { startCountingServer } from './http-server.js';
import { describeFaults, HTTP_FAULTS, HTTPS_FAULTS } from './suite.js';

async function setup(secure: boolean): Promise<OwnedBackend<HttpClient>> {
  await loadUndici(); // its import time must not count against a connect bound
  const pki = secure ? await createTestPki() : undefined;
  const server = await startCountingServer(pki?.server);
  const tls: TomlTable | undefined = pki ? { verify_mode: 'peer', cacertfile: pki.ca.certFile } : undefined;
  return {
    name: secure ? 'https' : 'http',
    driver: httpDriver,
    target: { port: server.port },
    restartable: server,
    toml: (tag, port, pool) =>
      poolToml(
        'http',
        tag,
        pool,
        { host: `${secure ? 'https' : 'http'}://127.0.0.1:${port}`, request_timeout: 400 },
        tls,
      ),
    client: (pools, tag) => pools.get(httpDriver, 'global', tag),
    async write(client, id) {
      const res = await client.post(`w/${encodeURIComponent(id)}`, '');
      if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
    },
    counts: async () => server.counts,
    dispose: () => server.dispose(),
  };
}

describeFaults('http', () => setup(false), HTTP_FAULTS);
describeFaults('https', () => setup(true), HTTPS_FAULTS);
