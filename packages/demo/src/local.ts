/**
 * `--with-local`: which of the usual local servers (Redis 6379, PostgreSQL 5432, MariaDB/MySQL
 * 3306 on 127.0.0.1) answer, so that the demo adds only their pools.
 * @module
 */
import { connect } from 'node:net';

/** Whether something accepts a TCP connection on `127.0.0.1:port` within `timeoutMs`. */
export function portAnswers(port: number, timeoutMs = 500, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The port a pool of `demo-local.toml` connects to (its connection's `port`, else the type's default). */
export function localPort(type: string, connection: Readonly<Record<string, unknown>>): number | undefined {
  if (typeof connection.port === 'number') return connection.port;
  if (type === 'redis') return 6379;
  if (type === 'rdbms') return connection.driver === 'mysql' ? 3306 : 5432;
  return undefined;
}
