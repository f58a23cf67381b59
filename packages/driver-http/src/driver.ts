/**
 * The http pool type: one undici `Client` (one connection, no pipelining) per worker.
 * @module
 */
import { defineDriver, type ConnectContext } from '@outpools/core/driver';
import { createHttpClient, type HealthTarget } from './client.js';
import { HttpConnection } from './connection.js';
import { loadUndici } from './load.js';
import { joinUrlPath, parseOrigin } from './origin.js';
import { tlsForOrigin } from './tls.js';
import { HttpConnectionSchema, type HttpConnectionOptions } from './schema.js';

/** Options of {@link createHttpDriver} (given in code, not in TOML). */
export interface HttpDriverOptions {
  /** Path (after `path_prefix`) of the health request. Default: the prefix itself. */
  readonly healthPath?: string;
  /** Method of the health request. Default `HEAD`. */
  readonly healthMethod?: 'HEAD' | 'GET' | 'OPTIONS';
}

/**
 * Build the `http` pool type with a health request of your choice (`health()`, `outpools status`
 * and the pool's health report use it; any HTTP status counts as alive).
 * @example
 * ```ts
 * const registry = new DriverRegistry([createHttpDriver({ healthPath: '/healthz', healthMethod: 'GET' })]);
 * ```
 */
export function createHttpDriver(driverOptions: HttpDriverOptions = {}) {
  const health: HealthTarget = { method: driverOptions.healthMethod ?? 'HEAD', path: driverOptions.healthPath };
  return defineDriver({
    type: 'http',
    packageName: '@outpools/driver-http',
    connectionSchema: HttpConnectionSchema,
    check(ctx) {
      const { host, tls, request_timeout } = ctx.connection;
      if (tls !== undefined && host.startsWith('http://')) {
        ctx.warn(
          'connection.tls',
          `the tls section has no effect: host ${JSON.stringify(host)} is plain http (use "https://" to enable TLS)`,
        );
      }
      if (request_timeout >= ctx.pool.call_timeout) {
        ctx.warn(
          'connection.request_timeout',
          `request_timeout (${request_timeout} ms) should be lower than the pool's call_timeout (${ctx.pool.call_timeout} ms): the call times out before the request does`,
        );
      }
    },
    concurrency: () => 1,
    tlsHost: (options: HttpConnectionOptions) => parseOrigin(options.host).hostname,
    connect: async (options: HttpConnectionOptions, ctx: ConnectContext) => {
      const undici = await loadUndici();
      ctx.signal.throwIfAborted();
      const origin = parseOrigin(options.host);
      const tls = origin.protocol === 'https:' ? tlsForOrigin(ctx, origin) : undefined;
      return HttpConnection.open(
        undici,
        {
          key: ctx.key,
          origin: origin.origin,
          prefix: options.path_prefix,
          requestTimeoutMs: options.request_timeout,
          lost: (error) => ctx.lost(error),
          target: {
            hostname: origin.hostname,
            port: origin.port,
            tls: tls?.options,
            verifyTls: tls?.verify ?? noVerify,
          },
        },
        ctx.signal,
      );
    },
    close: (connection) => connection.close(),
    ping: (connection, ctx) =>
      connection.request(
        {
          method: health.method,
          path: joinUrlPath(connection.prefix, health.path ?? ''),
          as: 'buffer',
          keepSocket: true,
        },
        ctx,
      ),
    client: (pool, options) => createHttpClient(pool, options.path_prefix, health),
  });
}

/**
 * The `http` pool type (`[outgoing_pools.http.<tag>]`); its health request is `HEAD` of the
 * path prefix. `pools.get(httpDriver, host, tag)` returns an {@link HttpClient}.
 *
 * @example
 * ```ts
 * import { createPools, DriverRegistry, parseConfig } from '@outpools/core';
 * import { httpDriver } from '@outpools/driver-http';
 *
 * const registry = new DriverRegistry([httpDriver]);
 * const config = parseConfig(`
 *   [outgoing_pools.http.auth]
 *   workers = 4
 *   [outgoing_pools.http.auth.connection]
 *   host = "https://auth.example.com:8443"
 *   path_prefix = "/api/auth/"
 *   request_timeout = 1500
 * `, { registry });
 * const pools = createPools(config, { registry });
 * await pools.start();
 * const http = pools.get(httpDriver, 'global', 'auth');
 * const res = await http.get('check?user=alice');   // GET /api/auth/check?user=alice
 * console.log(res.statusCode, res.body);
 * await pools.stop();
 * ```
 */
export const httpDriver = createHttpDriver();

function noVerify(): void {}
