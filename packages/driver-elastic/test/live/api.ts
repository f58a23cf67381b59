/**
 * Round trips through a pool on the test node: health, index/search/count/deleteByQuery/bulk,
 * error answers, the raw client, per-call routing, and call_timeout aborting a request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallTimeoutError, type Pools } from '@outpools/core';
import { ElasticResponseError, type ElasticClient } from '@outpools/driver-elastic';
import { watchLoopDelay } from '../helpers/lag.js';
import { clientOf, nodeToml, startPools } from '../helpers/pools.js';

interface Message {
  readonly from: string;
  readonly body: string;
  readonly n: number;
}

const INDEX = `outpools-api-${process.pid}`;

export function describeApi(): void {
  describe('elastic client round trips', () => {
    let pools: Pools;
    let es: ElasticClient;
    beforeAll(async () => {
      const started = await startPools(nodeToml('api', { workers: 3, call_timeout: 10_000 }));
      expect(started.report.ok, JSON.stringify(started.report)).toBe(true);
      pools = started.pools;
      es = clientOf(pools, 'api');
      await es.run((client, ctx) =>
        client.indices.create({ index: INDEX, settings: { number_of_replicas: 0 } }, { signal: ctx.signal }),
      );
    });
    afterAll(async () => {
      await es?.run((client, ctx) =>
        client.indices.delete({ index: INDEX, ignore_unavailable: true }, { signal: ctx.signal }),
      );
      await pools?.stop();
    });

    it('health() returns the cluster health document of the one-node cluster', async () => {
      const health = await es.health();
      expect(health).toMatchObject({ cluster_name: 'outpools-test', number_of_nodes: 1, timed_out: false });
      expect(['green', 'yellow']).toContain(health.status);
    });

    it('indexes documents, finds them with search, counts them and deletes one', async () => {
      const created = await es.index<Message>({
        index: INDEX,
        id: 'm1',
        document: { from: 'alice', body: 'hello', n: 1 },
        refresh: true,
      });
      expect(created).toMatchObject({ _index: INDEX, _id: 'm1', result: 'created' });
      await es.index<Message>({ index: INDEX, id: 'm2', document: { from: 'bob', body: 'hi', n: 2 }, refresh: true });

      const found = await es.search<Message>({ index: INDEX, query: { term: { 'from.keyword': 'alice' } } });
      expect(found.hits.hits.map((h) => h._source)).toEqual([{ from: 'alice', body: 'hello', n: 1 }]);
      expect(await es.count({ index: INDEX })).toMatchObject({ count: 2 });

      const deleted = await es.run((client, ctx) =>
        client.delete({ index: INDEX, id: 'm2', refresh: true }, { signal: ctx.signal }),
      );
      expect(deleted).toMatchObject({ result: 'deleted' });
      expect(await es.count({ index: INDEX })).toMatchObject({ count: 1 });
    });

    it('sends deleteByQuery as POST <index>/_delete_by_query with the query', async () => {
      // The test node's distribution (integ-test-zip) lacks the reindex module that serves
      // _delete_by_query: it answers 400 "no handler found", naming the request it got.
      const outcome = await es
        .deleteByQuery({ index: INDEX, query: { term: { 'from.keyword': 'nobody' } }, refresh: true })
        .then(
          (result) => ({ result }),
          (error: unknown) => ({ error }),
        );
      if ('result' in outcome) {
        expect(outcome.result).toMatchObject({ deleted: 0, failures: [] });
      } else {
        expect(outcome.error).toBeInstanceOf(ElasticResponseError);
        expect(outcome.error).toMatchObject({
          statusCode: 400,
          reason: `no handler found for uri [/${INDEX}/_delete_by_query?refresh=true] and method [POST]`,
        });
      }
      expect(await es.count({ index: INDEX })).toMatchObject({ count: 1 });
    });

    it('sends many operations in one bulk request and reports failed items without rejecting', async () => {
      const result = await es.bulk<Message>({
        refresh: true,
        operations: [
          { index: { _index: INDEX, _id: 'b1' } },
          { from: 'carol', body: 'one', n: 10 },
          { create: { _index: INDEX, _id: 'b2' } },
          { from: 'carol', body: 'two', n: 11 },
          { create: { _index: INDEX, _id: 'b1' } },
          { from: 'carol', body: 'duplicate', n: 12 },
          { delete: { _index: INDEX, _id: 'b2' } },
        ],
      });
      expect(result.errors).toBe(true);
      expect(result.items.map((item) => Object.values(item)[0]?.status)).toEqual([201, 201, 409, 200]);
      expect(await es.count({ index: INDEX, query: { term: { 'from.keyword': 'carol' } } })).toMatchObject({
        count: 1,
      });
      const sum = await es.search<Message, { total: { value: number } }>({
        index: INDEX,
        size: 0,
        aggs: { total: { sum: { field: 'n' } } },
      });
      expect(sum.aggregations?.total.value).toBe(1 + 10);
    });

    it('rejects an error answer with ElasticResponseError (status, type, reason) and keeps the worker live', async () => {
      const error = await es
        .search({ index: 'outpools-no-such-index', query: { match_all: {} } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ElasticResponseError);
      expect(error).toMatchObject({
        code: 'OUTPOOLS_ELASTIC_RESPONSE',
        statusCode: 404,
        errorType: 'index_not_found_exception',
        message: expect.stringContaining('404 index_not_found_exception'),
      });
      expect(pools.stats()[0]?.workers.live).toBe(3);
      expect((await es.health()).number_of_nodes).toBe(1);
    });

    it('gives the raw client to run() for every other API', async () => {
      const mapping = await es.run((client, ctx) =>
        client.indices.getMapping({ index: INDEX }, { signal: ctx.signal }),
      );
      expect(mapping[INDEX]?.mappings.properties).toHaveProperty('from');
      const doc = await es.run((client, ctx) =>
        client.get<Message>({ index: INDEX, id: 'm1' }, { signal: ctx.signal }),
      );
      expect(doc._source).toEqual({ from: 'alice', body: 'hello', n: 1 });
    });

    it('routes every call with the same hashKey to the same worker', async () => {
      const routed = es.withOptions({ hashKey: 'user:42' });
      const seen = new Set<unknown>();
      for (let i = 0; i < 6; i += 1) seen.add(await routed.run((client) => Promise.resolve(client)));
      expect(seen.size).toBe(1);
    });

    it('aborts a request that outlives call_timeout and the worker serves the next call', async () => {
      const { pools: short } = await startPools(nodeToml('short', { workers: 1, call_timeout: 3000 }));
      try {
        const fast = clientOf(short, 'short');
        const lag = watchLoopDelay();
        const t0 = performance.now();
        // Waits server-side for a second node for 10 s: only call_timeout can end it sooner.
        const error = await fast.health({ wait_for_nodes: '>=2', timeout: '10s' }).catch((e: unknown) => e);
        const ms = performance.now() - t0;
        expect(error).toBeInstanceOf(CallTimeoutError);
        lag.stop();
        expect(ms).toBeLessThan(3000 + 100 + lag.maxMs());
        expect((await fast.health()).number_of_nodes).toBe(1);
        expect(short.stats()[0]?.workers.live).toBe(1);
      } finally {
        await short.stop();
      }
    });
  });
}
