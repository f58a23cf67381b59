/**
 * Fault scenarios for elastic pools over https (peer-verified), against the test node of
 * scripts/services/slow/elastic.sh behind the fault proxy (a slow server shared by the suites:
 * never stopped here). Each call indexes one document carrying its id (an automatic `_id`: the
 * cheapest acknowledged write, and not idempotent, so the pool never retries it); the server
 * count is the number of documents per id, after a refresh.
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
        client.indices.create(
          {
            index: INDEX,
            settings: { number_of_replicas: 0, number_of_shards: 1 },
            mappings: { dynamic: 'strict', properties: { w: { type: 'keyword' } } },
          },
          { signal: ctx.signal },
        ),
      ),
    );
    return {
      name: 'elastic',
      driver: elasticDriver,
      target: { port: NODE.port },
      // five workers index ~80 documents/s here (p50 55 ms, p90 160 ms): 50 calls/s in all
      callerPeriodMs: 1000,
      toml: (tag, port, pool) => poolToml('elastic', tag, pool, nodeConnection({ port }), NODE_TLS),
      client: (pools, tag) => pools.get(elasticDriver, 'global', tag),
      write: (es, id) =>
        es.run((client, ctx) => client.index({ index: INDEX, document: { w: id } }, { signal: ctx.signal })),
      async counts(es, ids) {
        // Acknowledged documents are durable at once but searchable only after a refresh.
        await es.run((client, ctx) => client.indices.refresh({ index: INDEX }, { signal: ctx.signal }));
        const counts = new Map<string, number>();
        for (let i = 0; i < ids.length; i += 1000) {
          const chunk = ids.slice(i, i + 1000);
          const res = await es.run((client, ctx) =>
            client.search(
              {
                index: INDEX,
                size: 0,
                query: { terms: { w: chunk } },
                aggs: { ids: { terms: { field: 'w', size: chunk.length } } },
              },
              { signal: ctx.signal },
            ),
          );
          const agg = res.aggregations?.['ids'] as { buckets: { key: string; doc_count: number }[] } | undefined;
          for (const bucket of agg?.buckets ?? []) counts.set(bucket.key, bucket.doc_count);
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
