/**
 * Open and close one worker's cassandra-driver client.
 *
 * A worker is one `Client` limited to one connection per node (its control connection shares
 * that connection), opened during `connect` (warm-up). Cluster metadata work that a pool would
 * otherwise repeat per worker is off: no schema or token metadata sync
 * (`isMetadataSyncEnabled: false`). A worker is live while at least one of its nodes is up; when the last one goes
 * down it reports `ctx.lost()` and the pool reconnects it with its backoff.
 *
 * Stopping leaves no handle: after a server restart, `client.shutdown()` resolves while sockets
 * and timers of the client stay (the process would never exit), so
 * {@link closeCassandraConnection} releases everything the client ever held (`leftovers.ts`).
 * @module
 */
import type { ConnectionOptions } from 'node:tls';
import type { Client } from 'cassandra-driver';
import { messageOf, type ConnectContext } from '@outpools/core/driver';
import { authFailureOf, CassandraAuthError, CassandraConnectError, isAuthFailure, scrub } from './errors.js';
import { loadCassandraDriver } from './load.js';
import type { CassandraConnectionOptions, CassandraServer } from './schema.js';
import { releaseClientHandles, trackClientHandles, type ClientHandles } from './leftovers.js';
import { clientSslOptions } from './tls.js';

/** What a cassandra worker holds: its client, and the secrets its errors must not show. */
export interface CassandraConnection {
  /** The cassandra-driver client (one connection per node). */
  readonly client: Client;
  /** `host:port` of the configured servers, for messages. */
  readonly where: string;
  /** Secrets to scrub from error messages (the password). @internal */
  readonly secrets: readonly string[];
  /** What the client ever held, released on close. @internal */
  readonly handles: ClientHandles;
}

/** The reconnect delay cassandra-driver uses for a node that went down, in ms (first, cap). */
export const LIBRARY_RECONNECT_MS = { base: 1000, max: 30_000 } as const;

/** A contact point as cassandra-driver parses it (`[v6]:port` for IPv6 addresses). */
export function contactPoint(server: CassandraServer): string {
  const host = server.host.includes(':') && !server.host.startsWith('[') ? `[${server.host}]` : server.host;
  return `${host}:${server.port}`;
}

function anyHostUp(client: Client): boolean {
  return client.hosts.values().some((host) => host.isUp());
}

/**
 * Open one worker's client: TLS (each peer checked before any credential is sent), plain-text
 * authentication when `auth.plain` is set, the session keyspace. Rejects with
 * {@link CassandraAuthError} for refused credentials, else {@link CassandraConnectError}; neither
 * message contains the password.
 */
export async function openCassandraConnection(
  options: CassandraConnectionOptions,
  ctx: ConnectContext,
): Promise<CassandraConnection> {
  const where = options.servers.map(contactPoint).join(', ');
  const secrets = options.auth === undefined ? [] : [options.auth.plain.password];
  const lib = await loadCassandraDriver();
  ctx.signal.throwIfAborted();
  let sslOptions: ConnectionOptions | undefined;
  try {
    sslOptions = await clientSslOptions(options, ctx);
  } catch (error) {
    ctx.signal.throwIfAborted();
    throw new CassandraConnectError(`cassandra: TLS check of ${where} failed: ${scrub(messageOf(error), secrets)}`, {
      cause: error,
    });
  }
  const [first] = options.servers;
  const client = new lib.Client({
    contactPoints: options.servers.map(contactPoint),
    keyspace: options.keyspace,
    // Every node is "local" (the TOML has no data center): one connection to each.
    policies: {
      loadBalancing: new lib.policies.loadBalancing.RoundRobinPolicy(),
      reconnection: new lib.policies.reconnection.ExponentialReconnectionPolicy(
        LIBRARY_RECONNECT_MS.base,
        LIBRARY_RECONNECT_MS.max,
      ),
    },
    pooling: {
      coreConnectionsPerHost: { [lib.types.distance.local]: 1, [lib.types.distance.remote]: 1 },
      warmup: true,
    },
    isMetadataSyncEnabled: false,
    // The newest protocol this driver speaks. Without a maximum it first offers a newer one
    // (DSE v2), which Cassandra refuses; it then closes that connection and opens another:
    // one more TCP connect and round trip in every worker's connect, on the path of recovery.
    protocolOptions: { port: first?.port ?? 9042, maxVersion: lib.types.protocolVersion.v4 },
    applicationName: 'outpools',
    ...(options.auth !== undefined && {
      authProvider: new lib.auth.PlainTextAuthProvider(options.auth.plain.username, options.auth.plain.password),
    }),
    ...(sslOptions !== undefined && { sslOptions }),
  });
  const handles = trackClientHandles(client);
  let live = false;
  let closed = false;
  client.on('hostDown', () => {
    if (live && !closed && !anyHostUp(client)) ctx.lost(new Error(`every cassandra node of ${where} is down`));
  });

  const connecting = client.connect();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error('connect aborted'));
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([connecting, aborted]);
    live = true;
    return { client, where, secrets, handles };
  } catch (error) {
    closed = true;
    // Shut the client down once its connect has settled (shutdown waits for it anyway).
    void connecting.then(
      () => closeClient(client, handles),
      () => closeClient(client, handles),
    );
    if (ctx.signal.aborted) throw error;
    if (isAuthFailure(error)) {
      const user = options.auth === undefined ? 'no credentials' : `user "${options.auth.plain.username}"`;
      const refusal = scrub(messageOf(authFailureOf(error)), secrets);
      throw new CassandraAuthError(`cassandra: authentication at ${where} failed for ${user}: ${refusal}`, {
        cause: error,
      });
    }
    throw new CassandraConnectError(`cassandra: cannot connect to ${where}: ${scrub(messageOf(error), secrets)}`, {
      cause: error,
    });
  } finally {
    if (onAbort) ctx.signal.removeEventListener('abort', onAbort);
    aborted.catch(() => undefined);
  }
}

async function closeClient(client: Client, handles: ClientHandles): Promise<void> {
  try {
    await client.shutdown();
  } catch {
    // a client that never connected, or already shut down
  }
  releaseClientHandles(client, handles);
}

/** Shut a worker's client down and destroy whatever sockets it leaves; never throws. */
export async function closeCassandraConnection(connection: CassandraConnection): Promise<void> {
  // A node going down while the client shuts down is no longer news for the pool.
  connection.client.removeAllListeners('hostDown');
  await closeClient(connection.client, connection.handles);
}
