/**
 * Fault scenarios for elastic pools over https (peer-verified), against the test node of
 * scripts/services/slow/elastic.sh behind the fault proxy (a slow server shared by the suites:
 * never stopped here). Each call increments a counter document of its own id with a scripted
 * upsert (not idempotent: the pool never retries it).
 */
import { poolToml, startPoolsFromToml } from '@outpools/testing';
import { elasticDriver, type ElasticClient } from '@outpools/driver-elastic';
import { ensureNode, NODE, NODE_TLS, nodeConnection } from '../../packages/driver-elastic/test/helpers/server.js';
import { loadElastic } from '../../packages/driver-elastic/src/load.js';
import type { OwnedBackend } from './harness.js';
import { describeFaults, ELASTIC_FAULTS } from './suite.js';

const INDEX = `outpools-faults-${process.pid}`;

async function admin<T>(fn: (client: ElasticClient) => Promise<T>): Promise<T> {
  const { pools } = await startPoolsFromToml(
    poolToml('elastic', 'faults_admin', { workers: 1, call_timeout: 60_000 }, nodeConnection(), NODE_TLS),
    [elasticDriver],
  );
  try {
    return await fn(pools.get(elasticDriver, 'global', 'faults_admin'));
  } finally {
    await pools.stop();
  }
}

describeFaults(
  'elastic',
  async (): Promise<OwnedBackend<ElasticClient>> => {
    await ensureNode();
    await loadElastic(); // its import time must not count against a connect bound
    await admin((es) =>
      es.run((client, ctx) =>
        client.indices.create({ index: INDEX, settings: { number_of_replicas: 0 } }, { signal: ctx.signal }),
      ),
    );
    return {
      name: 'elastic',
      driver: elasticDriver,
      target: { port: NODE.port },
      // a scripted update takes 100-300 ms here: 25 calls/s in all, not 1,000
      callerPeriodMs: 2000,
      toml: (tag, port, pool) => poolToml('elastic', tag, pool, nodeConnection({ port }), NODE_TLS),
      client: (pools, tag) => pools.get(elasticDriver, 'global', tag),
      write: (es, id) =>
        es.run((client, ctx) =>
          client.update(
            { index: INDEX, id, script: { source: 'ctx._source.n += 1' }, upsert: { n: 1 } },
            { signal: ctx.signal },
          ),
        ),
      async counts(es, ids) {
        const counts = new Map<string, number>();
        for (let i = 0; i < ids.length; i += 1000) {
          const docs = ids.slice(i, i + 1000);
          const res = await es.run((client, ctx) =>
            client.mget<{ n: number }>({ index: INDEX, ids: docs }, { signal: ctx.signal }),
          );
          for (const doc of res.docs) if ('found' in doc && doc.found) counts.set(doc._id, doc._source?.n ?? 0);
        }
        return counts;
      },
      dispose: () =>
        admin((es) => es.run((client, ctx) => client.indices.delete({ index: INDEX }, { signal: ctx.signal }))).then(
          () => undefined,
        ),
    };
  },
  ELASTIC_FAULTS,
);
