/**
 * The node's security: TLS verify modes against its certificate (signed by the test CA, sent
 * with the CA in its chain) and credentials (a wrong password is a coded error without secrets).
 */
import { inspect } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ElasticAuthError } from '@outpools/driver-elastic';
import { createTestPki, TEST_WRONG_HOST, type TestPki, type TomlTable } from '@outpools/testing';
import { connectError } from '../helpers/direct.js';
import { clientOf, elasticToml, startPools } from '../helpers/pools.js';
import { NODE, NODE_TLS, nodeConnection } from '../helpers/server.js';

/** Start a one-worker pool on the node with this TLS section; stop it; return its start report. */
async function startWith(tls: TomlTable, connection: TomlTable = nodeConnection()) {
  const { pools, report } = await startPools(elasticToml('sec', { workers: 1, call_timeout: 10_000 }, connection, tls));
  try {
    const instance = report.instances[0]!;
    const health = instance.live === 1 ? await clientOf(pools, 'sec').health() : undefined;
    return {
      instance,
      health,
      printed: JSON.stringify({ report, stats: pools.stats(), health: await pools.health() }),
    };
  } finally {
    await pools.stop();
  }
}

/** Every form a secret could take in a printout: itself and inside basic-auth base64. */
function secretForms(user: string, secret: string): string[] {
  return [secret, Buffer.from(`${user}:${secret}`).toString('base64')];
}

export function describeSecurity(): void {
  describe('TLS verify modes against the node', () => {
    let pki: TestPki;
    beforeAll(async () => {
      pki = await createTestPki();
    });

    it('peer with the right CA: live, and health answers over https', async () => {
      const { instance, health } = await startWith({ verify_mode: 'peer', cacertfile: NODE.caFile });
      expect(instance).toMatchObject({ live: 1 });
      expect(health?.number_of_nodes).toBe(1);
    });

    it('peer with a wrong CA: refused, no live worker, the error names the certificate problem', async () => {
      const { instance } = await startWith({ verify_mode: 'peer', cacertfile: pki.otherCa.certFile });
      expect(instance.live).toBe(0);
      expect(instance.error).toMatch(/certificate/i);
      const error = await connectError(nodeConnection(), { verify_mode: 'peer', cacertfile: pki.otherCa.certFile });
      expect(inspect(error)).toMatch(/SELF_SIGNED_CERT_IN_CHAIN|self[- ]signed certificate in certificate chain/i);
    });

    it('peer with the default trust store: refused (the test CA is not in it)', async () => {
      const { instance } = await startWith({ verify_mode: 'peer' });
      expect(instance.live).toBe(0);
      expect(instance.error).toMatch(/certificate/i);
    });

    it('selfsigned_peer without a CA file: accepts the self-signed chain, live', async () => {
      const { instance, health } = await startWith({ verify_mode: 'selfsigned_peer' });
      expect(instance).toMatchObject({ live: 1 });
      expect(health?.number_of_nodes).toBe(1);
    });

    it('selfsigned_peer still checks the host name: refused for another SNI host', async () => {
      const tls = { verify_mode: 'selfsigned_peer', server_name_indication: { host: TEST_WRONG_HOST } };
      const { instance } = await startWith(tls);
      expect(instance.live).toBe(0);
      const error = await connectError(nodeConnection(), tls);
      expect(inspect(error)).toMatch(/OUTPOOLS_TLS_PEER|wrong\.example\.invalid/);
    });

    it('none with a wrong CA: accepted, live', async () => {
      const { instance, health } = await startWith({ verify_mode: 'none', cacertfile: pki.otherCa.certFile });
      expect(instance).toMatchObject({ live: 1 });
      expect(health?.status).toMatch(/green|yellow/);
    });
  });

  describe('credentials', () => {
    const WRONG = 'not-the-Right-pw-7731';

    it('a wrong password: connect rejects with ElasticAuthError, and the password is printed nowhere', async () => {
      const error = await connectError(nodeConnection({ password: WRONG }), NODE_TLS);
      expect(error).toBeInstanceOf(ElasticAuthError);
      expect(error).toMatchObject({
        code: 'OUTPOOLS_ELASTIC_AUTH',
        statusCode: 401,
        message: expect.stringContaining(`127.0.0.1:19200 refused the credentials of user "${NODE.username}" (401`),
      });
      const everything = `${inspect(error, { depth: Infinity, showHidden: true })}\n${JSON.stringify(error)}\n${String(error)}`;
      for (const form of secretForms(NODE.username, WRONG)) expect(everything).not.toContain(form);

      const { instance, printed } = await startWith(NODE_TLS, nodeConnection({ password: WRONG }));
      expect(instance.live).toBe(0);
      expect(instance.error).toContain('refused the credentials');
      for (const form of secretForms(NODE.username, WRONG)) expect(`${printed}\n${instance.error}`).not.toContain(form);
    });

    it('no credentials against the secured node: ElasticAuthError naming "no credentials"', async () => {
      const { host, port } = NODE;
      const error = await connectError({ host, port }, NODE_TLS);
      expect(error).toMatchObject({
        code: 'OUTPOOLS_ELASTIC_AUTH',
        message: expect.stringContaining('no credentials'),
      });
    });

    it('a refused API key: ElasticAuthError naming "an API key", and the key is printed nowhere', async () => {
      // The test node cannot create API keys (its distribution lacks the analysis module the
      // security index needs), so this checks the refusal of an unknown key.
      const { host, port } = NODE;
      const apiKey = Buffer.from('outpools-key-id:outpools-not-a-key-5501').toString('base64');
      const error = await connectError({ host, port, api_key: apiKey }, NODE_TLS);
      expect(error).toMatchObject({ code: 'OUTPOOLS_ELASTIC_AUTH', message: expect.stringContaining('an API key') });
      const everything = `${inspect(error, { depth: Infinity, showHidden: true })}\n${JSON.stringify(error)}`;
      expect(everything).not.toContain(apiKey);
      expect(everything).not.toContain('outpools-not-a-key-5501');
    });
  });
}
