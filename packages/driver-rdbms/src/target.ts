/**
 * The network target of a pgsql, cockroachdb or mysql pool, taken from validated options.
 * @module
 */
import type { NetworkDriverName, RdbmsConnectionOptions } from './schema.js';
import { DEFAULT_PORTS } from './schema.js';

/** Where and as whom a pgsql/mysql connection logs in. */
export interface NetworkTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string;
}

/** The target of a pgsql/mysql pool; throws when the (already validated) options lack a key. */
export function networkTarget(options: RdbmsConnectionOptions, driver: NetworkDriverName): NetworkTarget {
  const { host, database, username, password } = options;
  if (host === undefined || database === undefined || username === undefined || password === undefined) {
    throw new TypeError(`driver = "${driver}" needs host, database, username and password`);
  }
  return { host, port: options.port ?? DEFAULT_PORTS[driver], database, user: username, password };
}

/** `user@host:port/database`, for messages (never the password). */
export function describeTarget(t: NetworkTarget): string {
  return `${t.user}@${t.host}:${t.port}/${t.database}`;
}
