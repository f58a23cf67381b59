/**
 * One worker's connection: an `@elastic/elasticsearch` client bound to one node with exactly one
 * HTTP connection (undici, no pipelining), opened by {@link socketFactory}. The client neither
 * retries nor times out on its own: the pool bounds every call (`call_timeout`, abort signal),
 * reroutes and reconnects.
 * @module
 */
import type { Client } from '@elastic/elasticsearch';
import type { ConnectContext } from '@outpools/core/driver';
import { toElasticError, type RequestTarget } from './errors.js';
import { loadElastic } from './load.js';
import type { ElasticConnectionOptions } from './schema.js';
import { socketFactory, type SocketFactory } from './socket.js';

/** The connection an elastic worker holds. `client` is the raw `@elastic/elasticsearch` client. */
export interface ElasticConnection {
  /** The worker's `@elastic/elasticsearch` client (one HTTP connection to one node). */
  readonly client: Client;
  /** Where it talks to and as whom, for error messages (no secret). */
  readonly target: RequestTarget;
}

interface ConnectionState {
  readonly sockets: SocketFactory;
  closing: boolean;
}

const states = new WeakMap<ElasticConnection, ConnectionState>();

/** `host:port` with brackets around an IPv6 address. */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Who the requests authenticate as, for messages: never the password or the key. */
export function describeCredentials(options: ElasticConnectionOptions): string {
  if (options.api_key !== undefined) return 'an API key';
  if (options.username !== undefined) return `user ${JSON.stringify(options.username)}`;
  return 'no credentials';
}

function authOf(options: ElasticConnectionOptions): {
  auth?: { username: string; password: string } | { apiKey: string };
} {
  if (options.api_key !== undefined) return { auth: { apiKey: options.api_key } };
  if (options.username !== undefined) return { auth: { username: options.username, password: options.password ?? '' } };
  return {};
}

/**
 * Open one worker's connection: build the client and ask the node for its cluster health (the
 * request opens the socket, checks TLS and the credentials). Rejects, never printing a secret,
 * when the node cannot be reached, the TLS peer is refused or the credentials are wrong.
 */
export async function openElasticConnection(
  options: ElasticConnectionOptions,
  ctx: ConnectContext,
): Promise<ElasticConnection> {
  ctx.signal.throwIfAborted();
  const { Client } = await loadElastic();
  const secure = options.tls !== undefined;
  const where = hostPort(options.host, options.port);
  const target: RequestTarget = { where, who: describeCredentials(options) };
  const state: ConnectionState = {
    closing: false,
    sockets: socketFactory({
      host: options.host,
      port: options.port,
      tls: ctx.tls,
      verifyTls: (socket) => ctx.verifyTls(socket),
    }),
  };
  const client = new Client({
    node: `${secure ? 'https' : 'http'}://${where}`,
    ...authOf(options),
    // The pool retries, times out and reconnects; the client must not do it behind its back.
    maxRetries: 0,
    requestTimeout: 0,
    sniffOnStart: false,
    sniffOnConnectionFault: false,
    compression: false,
    // undici spreads these into its Pool: one connection, our socket factory (the typings lack
    // `connect`, the runtime passes it through).
    agent: { connections: 1, pipelining: 1, connect: state.sockets.connect } as { connections: number },
  });
  const connection: ElasticConnection = { client, target };
  states.set(connection, state);
  try {
    await client.cluster.health({}, { signal: ctx.signal });
    return connection;
  } catch (error) {
    await closeElasticConnection(connection);
    throw toElasticError(ctx.signal.aborted ? (ctx.signal.reason ?? error) : error, target);
  }
}

/** Close a connection at once; never throws, also for a broken one. */
export async function closeElasticConnection(connection: ElasticConnection): Promise<void> {
  const state = states.get(connection);
  if (state === undefined || state.closing) return;
  state.closing = true;
  // Destroy the socket first: a request still waiting on it fails now instead of holding close().
  state.sockets.destroyAll();
  try {
    await connection.client.close();
  } catch {
    // already closed or broken
  }
}
