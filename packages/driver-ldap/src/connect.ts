/**
 * Open one worker's connection: the servers in list order, the first that connects and binds
 * wins (MongooseIM's eldap failover). Every (re)connect starts again from the head of the list,
 * so a recovered first server is preferred at the next reconnect. Each server but the last gets
 * an equal share of the connect time left, so a server that never answers cannot starve the rest.
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
  signal: AbortSignal,
): Promise<LdapConnection> {
  const port = portOf(options);
  const server = serverName(host, port);
  const socket = await dial({ host, port, tls: tlsForServer(options, ctx, host) }, signal);
  const connection = new LdapConnection(lib, socket, host, server, identity);
  const onAbort = (): void => connection.destroy(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const aborts = abortSourceOf(signal);
  try {
    if (identity.dn === '') {
      // Anonymous (no bind, as MongooseIM): prove the server speaks LDAP with a root DSE read.
      await connection.run(aborts, 'search', (client) =>
        client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: [...ROOT_DSE_ATTRIBUTES] }),
      );
    } else {
      await connection.run(aborts, 'bind', (client) => client.bind(identity.dn, identity.password));
    }
    signal.throwIfAborted();
    return connection;
  } catch (error) {
    connection.destroy(error);
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * The signal one server's try runs under: the attempt's own for the last server of the list, else
 * also bounded by an equal share of the time left, so that a server that never answers (a
 * blackholed address) leaves time for the next ones. `end()` releases its timer.
 */
function shareOf(ctx: ConnectContext, serversLeft: number): { readonly signal: AbortSignal; end(): void } {
  const share = serversLeft <= 1 ? Number.POSITIVE_INFINITY : ctx.timeLeftMs() / serversLeft;
  if (!Number.isFinite(share)) return { signal: ctx.signal, end: () => undefined };
  const ms = Math.max(1, Math.floor(share));
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new Error(`no answer within ${ms} ms (its share of the connect time)`)),
    ms,
  );
  const onAbort = (): void => controller.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    end: () => {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
    },
  };
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
  const servers = options.servers;
  for (let i = 0; i < servers.length; i++) {
    const host = servers[i]!;
    ctx.signal.throwIfAborted();
    const share = shareOf(ctx, servers.length - i);
    try {
      const connection = await openServer(lib, host, options, identity, ctx, share.signal);
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
    } finally {
      share.end();
    }
  }
  throw refused ? new LdapBindError(attempts, { cause: last }) : new LdapConnectError(attempts, { cause: last });
}
