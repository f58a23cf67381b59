/**
 * The demo's embedded PostgreSQL: PGlite (PostgreSQL compiled to WebAssembly, in this process)
 * behind `@electric-sql/pglite-socket`, so that the `pg` client talks to it over TCP exactly as to
 * a real server. Restartable on the same port (the database stays in memory meanwhile).
 * @module
 */
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** A restartable embedded PostgreSQL server on loopback. */
export interface DemoPgServer {
  readonly port: number;
  /** Close the listener and drop every client connection. */
  stop(): Promise<void>;
  /** Listen again on the same port. */
  start(): Promise<void>;
  /** Stop and free the database. */
  close(): Promise<void>;
}

/**
 * Start PGlite and its socket server on `port` (0: a free one), accepting up to `maxConnections`
 * clients (the socket server resets any connection beyond its limit).
 */
export async function startPgServer(port: number, maxConnections: number): Promise<DemoPgServer> {
  const db = await PGlite.create();
  await db.exec('CREATE TABLE demo_events (id serial PRIMARY KEY, pool text NOT NULL, at timestamptz DEFAULT now())');
  const open = async (at: number): Promise<PGLiteSocketServer> => {
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: at, maxConnections });
    await server.start();
    return server;
  };
  let server: PGLiteSocketServer | undefined = await open(port);
  const bound = Number(server.getServerConn().split(':').pop());
  const stop = async (): Promise<void> => {
    const current = server;
    server = undefined;
    await current?.stop();
  };
  return {
    port: bound,
    stop,
    async start() {
      server ??= await open(bound);
    },
    async close() {
      await stop();
      await db.close();
    },
  };
}
