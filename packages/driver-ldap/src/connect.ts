/**
 * Open one worker's connection: the servers in list order, the first that connects and binds
 * wins (MongooseIM's eldap failover). Every (re)connect starts again from the head of the list,
 * so a recovered first server is preferred at the next reconnect.
 * @module
 */
import { messageOf, type ConnectContext } from '@outpools/core/driver';
import { abortSourceOf, LdapConnection, type LdapIdentity } from './connection.js';
import { LdapBindError, LdapConnectError, LdapResultError, redact, type LdapServerAttempt } from './errors.js';
import { loadLdapts, type LdaptsModule } from './load.js';
import type { LdapConnectionOptions } from './schema.js';
import { tlsForServer } from './tls.js';
import { dial, serverName } from './transport.js';

/** The port the options resolve to (389, or 636 with a `tls` section, unless set). */
export function portOf(options: LdapConnectionOptions): number {
  return options.port ?? (options.tls === undefined ? 389 : 636);
}

/** The attributes of the root DSE that a health check reads. */
export const ROOT_DSE_ATTRIBUTES: readonly string[] = ['supportedLDAPVersion'];

/** Open, verify and authenticate a connection to one server; rejects (and closes it) on failure. */
async function openServer(
  lib: LdaptsModule,
  host: string,
  options: LdapConnectionOptions,
  identity: LdapIdentity,
  ctx: ConnectContext,
): Promise<LdapConnection> {
  const port = portOf(options);
  const server = serverName(host, port);
  const socket = await dial({ host, port, tls: tlsForServer(options, ctx, host) }, ctx.signal);
  const connection = new LdapConnection(lib, socket, host, server, identity);
  const onAbort = (): void => connection.destroy(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const aborts = abortSourceOf(ctx.signal);
  try {
    if (identity.dn === '') {
      // Anonymous (no bind, as MongooseIM): prove the server speaks LDAP with a root DSE read.
      await connection.run(aborts, 'search', (client) =>
        client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: [...ROOT_DSE_ATTRIBUTES] }),
      );
    } else {
      await connection.run(aborts, 'bind', (client) => client.bind(identity.dn, identity.password));
    }
    ctx.signal.throwIfAborted();
    return connection;
  } catch (error) {
    connection.destroy(error);
    throw error;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

/** With a `root_dn` the only request of a connect is the bind: any server result refuses it. */
function isBindRefusal(error: unknown, identity: LdapIdentity): boolean {
  return identity.dn !== '' && error instanceof LdapResultError;
}

/**
 * The driver's `connect`: try each of `servers` in order; resolve with the first connection that
 * is open and bound. When none is, reject with {@link LdapBindError} if a server refused the
 * bind (a wrong password, an unknown DN, an empty password refused...), else
 * {@link LdapConnectError}; both list every server's reason.
 */
export async function connectLdap(options: LdapConnectionOptions, ctx: ConnectContext): Promise<LdapConnection> {
  const lib = await loadLdapts();
  const identity: LdapIdentity = { dn: options.root_dn, password: options.password };
  const secrets = [options.password, options.tls?.password ?? ''];
  const attempts: LdapServerAttempt[] = [];
  let refused = false;
  let last: unknown;
  for (const host of options.servers) {
    ctx.signal.throwIfAborted();
    try {
      const connection = await openServer(lib, host, options, identity, ctx);
      connection.goLive((error) => ctx.lost(error));
      return connection;
    } catch (error) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      last = error;
      const refusal = isBindRefusal(error, identity);
      refused ||= refusal;
      const what = refusal ? `simple bind as "${identity.dn}" refused: ` : '';
      attempts.push({
        server: serverName(host, portOf(options)),
        message: redact(`${what}${messageOf(error)}`, secrets),
      });
    }
  }
  throw refused ? new LdapBindError(attempts, { cause: last }) : new LdapConnectError(attempts, { cause: last });
}
