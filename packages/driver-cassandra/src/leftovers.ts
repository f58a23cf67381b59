/**
 * What cassandra-driver 4.10 leaves behind, and how a worker cleans it up.
 *
 * When a node restarts under a client, the client's control connection initialises again: it
 * opens a connection of its own and replaces the `Host` objects of its host map with new ones.
 * The replaced hosts keep their per-host `setInterval` and their connection pools, and
 * `client.shutdown()` only shuts down the hosts still in the map; connections closed by the
 * library can also re-arm their heartbeat timer after a late write. A process holding such a
 * client never exits. A worker therefore records every host its client ever had (from the host
 * map's `add` events, from construction on) and every connection it saw, and after `shutdown()`
 * clears their timers and destroys their sockets.
 *
 * This relies on the internals of the pinned cassandra-driver version; they are typed here
 * structurally and every access tolerates their absence.
 * @module
 */
import type { Client } from 'cassandra-driver';

/** A connection as cassandra-driver 4.10 builds it. @internal */
export interface ConnectionInternals {
  readonly netClient?: { destroy(): void; readonly destroyed?: boolean } | null;
  readonly _idleTimeout?: ReturnType<typeof setTimeout> | null;
}

/** A host and its connection pool. @internal */
export interface HostInternals {
  readonly _healthResponseCountTimer?: ReturnType<typeof setInterval> | null;
  readonly pool?: {
    readonly connections?: readonly ConnectionInternals[];
    clearNewConnectionAttempt?(): void;
    on?(event: 'open', listener: (error: unknown, connection?: ConnectionInternals) => void): void;
  };
}

interface EmitterLike {
  on(event: string, listener: (...args: never[]) => void): void;
}

/** The parts of a client that hold handles. @internal */
interface ClientInternals {
  readonly controlConnection?: EmitterLike & {
    readonly connection?: ConnectionInternals | null;
    readonly hosts?: EmitterLike & { values(): readonly HostInternals[] };
  };
}

/** Everything a client ever held that can keep a process alive. */
export interface ClientHandles {
  readonly hosts: Set<HostInternals>;
  readonly connections: Set<ConnectionInternals>;
}

/** Start recording what `client` creates; call before `client.connect()`. */
export function trackClientHandles(client: Client): ClientHandles {
  const handles: ClientHandles = { hosts: new Set(), connections: new Set() };
  const internals = client as unknown as ClientInternals;
  const control = internals.controlConnection;
  const addConnection = (connection: ConnectionInternals | null | undefined): void => {
    if (connection) handles.connections.add(connection);
  };
  const addHost = (host: HostInternals): void => {
    if (handles.hosts.has(host)) return;
    handles.hosts.add(host);
    host.pool?.on?.('open', (_error, connection) => addConnection(connection));
  };
  control?.hosts?.on('add', addHost as (...args: never[]) => void);
  // A replaced host's timer would tick for as long as the client lives: stop it at once.
  control?.hosts?.on('remove', ((host: HostInternals) => stopHostTimer(host)) as (...args: never[]) => void);
  control?.on('newConnection', ((_error: unknown, connection?: ConnectionInternals) => addConnection(connection)) as (
    ...args: never[]
  ) => void);
  for (const host of control?.hosts?.values() ?? []) addHost(host);
  return handles;
}

function stopHostTimer(host: HostInternals): void {
  if (host._healthResponseCountTimer) clearInterval(host._healthResponseCountTimer);
}

/**
 * After `client.shutdown()`: clear the timers and destroy the sockets of everything the client
 * held (recorded by {@link trackClientHandles}, plus what it holds now).
 */
export function releaseClientHandles(client: Client, handles: ClientHandles): void {
  const internals = client as unknown as ClientInternals;
  for (const host of internals.controlConnection?.hosts?.values() ?? []) handles.hosts.add(host);
  const connections = new Set(handles.connections);
  if (internals.controlConnection?.connection) connections.add(internals.controlConnection.connection);
  for (const host of handles.hosts) {
    stopHostTimer(host);
    host.pool?.clearNewConnectionAttempt?.();
    for (const connection of host.pool?.connections ?? []) connections.add(connection);
  }
  for (const connection of connections) {
    if (connection._idleTimeout) clearTimeout(connection._idleTimeout);
    const socket = connection.netClient;
    if (socket && socket.destroyed !== true) socket.destroy();
  }
}
