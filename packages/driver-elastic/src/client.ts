/**
 * The typed client users call: cluster health, the everyday document and search calls, and the
 * worker's raw `@elastic/elasticsearch` client for everything else, all built on `pool.run()`.
 * @module
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import type { CallContext, PoolHandle, PoolKey, RunOptions } from '@outpools/core/driver';
import type { ElasticConnection } from './connection.js';
import { toElasticError, type RequestTarget } from './errors.js';

/** What {@link ElasticClient.run}'s function gets besides the client. */
export interface ElasticRunContext {
  /** The pool the call runs on. */
  readonly key: PoolKey;
  /**
   * Aborted when the call times out (`call_timeout`) or the caller's signal aborts: pass it as
   * the request's `signal` so that the HTTP request is aborted too.
   */
  readonly signal: AbortSignal;
}

/** Per-call routing and cancellation. */
export interface ElasticCallOptions {
  /** Route by key (hash_worker): the same key always goes to the same worker. */
  readonly hashKey?: string | number;
  /** The caller's own cancellation; the call rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/**
 * The client of an elastic pool. Every method runs on one worker picked by the pool's strategy
 * (or by `hashKey`), bounded by the pool's `call_timeout` (the HTTP request is aborted when it
 * runs out). Errors: {@link ElasticResponseError} for an error answer, {@link ElasticAuthError}
 * for refused credentials, `ConnectionLostError` when the connection broke (the reads `health`,
 * `search` and `count` are then retried once on another worker).
 *
 * @example
 * ```ts
 * const es = pools.get(elasticDriver, 'global', 'default');
 * const health = await es.health();                         // { status: 'green', ... }
 * await es.index({ index: 'messages', id: 'm1', document: { from: 'alice', body: 'hi' }, refresh: true });
 * const found = await es.search<{ from: string; body: string }>({
 *   index: 'messages',
 *   query: { term: { from: 'alice' } },
 * });
 * found.hits.hits[0]?._source?.body;                         // 'hi'
 * await es.run((client, ctx) => client.indices.delete({ index: 'messages' }, { signal: ctx.signal }));
 * ```
 */
export interface ElasticClient {
  /**
   * The cluster health document (`status`, `number_of_nodes`, ...), like MongooseIM's
   * `mongoose_elasticsearch:health()`; `params` narrows it (`index`, `wait_for_status`, ...).
   */
  health(params?: estypes.ClusterHealthRequest): Promise<estypes.ClusterHealthResponse>;
  /** Index (create or replace) one document. */
  index<TDocument = unknown>(params: estypes.IndexRequest<TDocument>): Promise<estypes.IndexResponse>;
  /** Search; `TDocument` types `hits.hits[]._source`. */
  search<TDocument = unknown, TAggregations = Record<estypes.AggregateName, estypes.AggregationsAggregate>>(
    params?: estypes.SearchRequest,
  ): Promise<estypes.SearchResponse<TDocument, TAggregations>>;
  /** Count the documents matching a query. */
  count(params?: estypes.CountRequest): Promise<estypes.CountResponse>;
  /** Delete the documents matching a query. */
  deleteByQuery(params: estypes.DeleteByQueryRequest): Promise<estypes.DeleteByQueryResponse>;
  /**
   * Many index/create/update/delete operations in one request. The answer's `errors` is true
   * when some item failed: look at `items` (a failed item is not a rejection).
   */
  bulk<TDocument = unknown, TPartialDocument = unknown>(
    params: estypes.BulkRequest<TDocument, TPartialDocument>,
  ): Promise<estypes.BulkResponse>;
  /**
   * Run `fn` with one worker's raw `@elastic/elasticsearch` client, for every other API. Pass
   * `{ signal: ctx.signal }` as the request options so that `call_timeout` (or the caller's
   * signal) aborts the request.
   * The library's errors are translated like those of the other methods.
   */
  run<R>(fn: (client: Client, ctx: ElasticRunContext) => Promise<R>): Promise<R>;
  /** This client with per-call options (`hashKey`, `signal`) applied to every call. */
  withOptions(options: ElasticCallOptions): ElasticClient;
}

/** Build the client of a pool; `target` names the server in error messages. */
export function createElasticClient(pool: PoolHandle<ElasticConnection>, target: RequestTarget): ElasticClient {
  const mapError = (error: unknown): unknown => toElasticError(error, target);
  return clientWith(pool, { mapError }, { mapError, retryOnLost: true });
}

/**
 * The request options of one call: a signal that aborts the HTTP request when the call times out
 * or is cancelled. It aborts without a reason on purpose: the library then reports a
 * `RequestAbortedError`, whereas the pool's own reason (a `CallTimeoutError`) would come back as
 * a `ConnectionError` and make the pool drop a healthy worker.
 */
export function requestOptions(ctx: Pick<CallContext, 'onAbort'>): { signal: AbortSignal } {
  const controller = new AbortController();
  ctx.onAbort(() => controller.abort());
  return { signal: controller.signal };
}

function clientWith(pool: PoolHandle<ElasticConnection>, writes: RunOptions, reads: RunOptions): ElasticClient {
  return {
    health: (params = {}) => pool.run((c, ctx) => c.client.cluster.health(params, requestOptions(ctx)), reads),
    index: (params) => pool.run((c, ctx) => c.client.index(params, requestOptions(ctx)), writes),
    search: <TDocument, TAggregations>(params: estypes.SearchRequest = {}) =>
      pool.run((c, ctx) => c.client.search<TDocument, TAggregations>(params, requestOptions(ctx)), reads),
    count: (params = {}) => pool.run((c, ctx) => c.client.count(params, requestOptions(ctx)), reads),
    deleteByQuery: (params) => pool.run((c, ctx) => c.client.deleteByQuery(params, requestOptions(ctx)), writes),
    bulk: (params) => pool.run((c, ctx) => c.client.bulk(params, requestOptions(ctx)), writes),
    run: (fn) => pool.run((c, ctx) => fn(c.client, { key: ctx.key, signal: requestOptions(ctx).signal }), writes),
    withOptions: (options) => clientWith(pool, { ...writes, ...options }, { ...reads, ...options }),
  };
}
