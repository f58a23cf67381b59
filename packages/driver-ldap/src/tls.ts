/**
 * TLS for the server a worker dials. A pool has one `tls` section but several `servers`: the
 * certificate must be checked against the host actually dialled (the second server during a
 * failover), so the core maps the section per host (`ConnectContext.tlsFor`).
 * @module
 */
import { OutpoolsError, type ConnectContext, type TlsForHost } from '@outpools/core/driver';
import type { LdapConnectionOptions } from './schema.js';

/**
 * TLS for `host`, or `undefined` without a `tls` section. A context that maps no TLS for a pool
 * with a `tls` section is an error, never a silent plaintext connection.
 */
export function tlsForServer(
  options: LdapConnectionOptions,
  ctx: ConnectContext,
  host: string,
): TlsForHost | undefined {
  if (options.tls === undefined) return undefined;
  const mapped = ctx.tlsFor(host);
  if (mapped === undefined) {
    throw new OutpoolsError(
      'OUTPOOLS_LDAP_CONNECT',
      `the pool has a tls section but the connect context maps no TLS for ${host}`,
    );
  }
  return mapped;
}
