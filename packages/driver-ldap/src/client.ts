/**
 * The typed API of an ldap pool: searches, compares, writes and password checks, each one
 * `pool.run()` on one worker's connection.
 * @module
 */
import type { PoolHandle, RunOptions } from '@outpools/core/driver';
import type { SearchOptions, SearchResult } from 'ldapts';
import type { LdapConnection } from './connection.js';
import { ROOT_DSE_ATTRIBUTES } from './connect.js';
import type {
  LdapAttributes,
  LdapCallOptions,
  LdapChange,
  LdapEntry,
  LdapSearchOptions,
  LdapSearchResult,
} from './types.js';

/** The OID of the "Who am I?" extended operation (RFC 4532). */
export const WHOAMI_OID = '1.3.6.1.4.1.4203.1.11.3';

/**
 * The client of an ldap pool. Every method runs on one worker (one connection) picked by the
 * pool's strategy (or by `hashKey`), bounded by the pool's `call_timeout`. Reads (`search`,
 * `compare`, `rootDse`, `whoami`, `checkPassword`) that fail because the connection closed are
 * run once more on a reconnected worker; writes are not (they reject with `ConnectionLostError`).
 * A server result other than success rejects with `LdapResultError` (`resultCode`, `resultName`).
 *
 * @example
 * ```ts
 * const ldap = pools.get(ldapDriver, 'global', 'default');
 * const { entries } = await ldap.search('ou=people,dc=example,dc=com', {
 *   filter: `(uid=${escapeFilterValue(user)})`,
 *   attributes: ['cn', 'mail'],
 * });
 * if (entries[0] && (await ldap.checkPassword(entries[0].dn, password))) console.log('welcome');
 * await ldap.modify(entries[0]!.dn, { operation: 'replace', attribute: 'mail', values: ['new@example.com'] });
 * ```
 */
export interface LdapClient {
  /** Search under `base` (default scope `sub`, filter `(objectClass=*)`); `paged` fetches every page. */
  search(base: string, options?: LdapSearchOptions): Promise<LdapSearchResult>;
  /** Whether the entry `dn` has `attribute` with `value` (compareTrue / compareFalse). */
  compare(dn: string, attribute: string, value: string): Promise<boolean>;
  /** Add the entry `dn` with `attributes` (include `objectClass`). */
  add(dn: string, attributes: LdapAttributes): Promise<void>;
  /** Apply one or more changes to the entry `dn`, atomically. */
  modify(dn: string, changes: LdapChange | readonly LdapChange[]): Promise<void>;
  /** Delete the (leaf) entry `dn`. */
  del(dn: string): Promise<void>;
  /** Rename or move the entry `dn` to `newDN` (the old RDN value is deleted). */
  modifyDN(dn: string, newDN: string): Promise<void>;
  /**
   * Verify a user's credentials with a simple bind as `dn`: `true` when the server accepts them,
   * `false` when it answers invalidCredentials (wrong password or unknown DN) and, without asking
   * the server, for an empty password (an unauthenticated bind would "succeed"). The pooled
   * connection is bound back as the pool's identity (`root_dn`, or anonymous) before the call
   * returns; when that cannot be done (an abort, an error), the connection is dropped and the
   * worker reconnects, so no later call ever runs as the user. Other server results reject with
   * `LdapResultError`; no error carries the password.
   */
  checkPassword(dn: string, password: string): Promise<boolean>;
  /** Read the root DSE (`namingContexts`, `supportedLDAPVersion`, `supportedControl`...): the health check's read. */
  rootDse(attributes?: readonly string[]): Promise<LdapEntry>;
  /** The connection's authorization identity ("Who am I?", RFC 4532): `"dn:<root_dn>"`, or `""` when anonymous. */
  whoami(): Promise<string>;
  /** This client with per-call options (`hashKey`, `signal`) applied to every call. */
  withOptions(options: LdapCallOptions): LdapClient;
}

const READ: RunOptions = Object.freeze({ retryOnLost: true });

function runOptions(options: LdapCallOptions | undefined): { read: RunOptions; write: RunOptions | undefined } {
  if (options === undefined) return { read: READ, write: undefined };
  const routing: RunOptions = {
    ...(options.hashKey !== undefined && { hashKey: options.hashKey }),
    ...(options.signal !== undefined && { signal: options.signal }),
  };
  return { read: Object.freeze({ ...routing, retryOnLost: true }), write: Object.freeze(routing) };
}

/**
 * The options as `ldapts` takes them. `ldapts` only reads them (its types are mutable arrays), so
 * they are passed as given: no copy per call.
 */
function toSearchOptions(options: LdapSearchOptions | undefined): SearchOptions {
  return (options ?? {}) as SearchOptions;
}

const SPECIAL_ATTRIBUTES = ['*', '+', '1.1'];

/**
 * `ldapts` lists every requested attribute in an entry, so `"*"`, `"+"` and `"1.1"` would show as
 * empty attributes: remove them (only when such a name was requested).
 */
function withoutSpecialNames(entries: LdapEntry[], attributes: readonly string[] | undefined): LdapEntry[] {
  if (attributes === undefined) return entries;
  for (const name of attributes) {
    if (!SPECIAL_ATTRIBUTES.includes(name)) continue;
    for (const entry of entries) delete (entry as Record<string, unknown>)[name];
  }
  return entries;
}

function toChanges(
  connection: LdapConnection,
  changes: LdapChange | readonly LdapChange[],
): InstanceType<LdapConnection['lib']['Change']>[] {
  const { Change, Attribute } = connection.lib;
  const list: readonly LdapChange[] = Array.isArray(changes) ? changes : [changes as LdapChange];
  return list.map(
    (change) =>
      new Change({
        operation: change.operation,
        modification: new Attribute({
          type: change.attribute,
          values: [...(change.values ?? [])] as string[] | Buffer[],
        }),
      }),
  );
}

function toAttributes(attributes: LdapAttributes): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(attributes)) out[name] = typeof value === 'string' ? value : [...value];
  return out;
}

/** Build the client of one ldap pool. */
export function createLdapClient(pool: PoolHandle<LdapConnection>, callOptions?: LdapCallOptions): LdapClient {
  const { read, write } = runOptions(callOptions);
  return {
    search(base, options) {
      const search = toSearchOptions(options);
      const result = ({ searchEntries, searchReferences }: SearchResult): LdapSearchResult => ({
        entries: withoutSpecialNames(searchEntries as LdapEntry[], search.attributes),
        references: searchReferences,
      });
      return pool.run((c, ctx) => c.run(ctx, 'search', (client) => client.search(base, search), result), read);
    },
    compare(dn, attribute, value) {
      return pool.run((c, ctx) => c.run(ctx, 'compare', (client) => client.compare(dn, attribute, value)), read);
    },
    add(dn, attributes) {
      const attrs = toAttributes(attributes);
      return pool.run((c, ctx) => c.run(ctx, 'add', (client) => client.add(dn, attrs)), write);
    },
    modify(dn, changes) {
      return pool.run((c, ctx) => c.run(ctx, 'modify', (client) => client.modify(dn, toChanges(c, changes))), write);
    },
    del(dn) {
      return pool.run((c, ctx) => c.run(ctx, 'delete', (client) => client.del(dn)), write);
    },
    modifyDN(dn, newDN) {
      return pool.run((c, ctx) => c.run(ctx, 'modifyDN', (client) => client.modifyDN(dn, newDN)), write);
    },
    checkPassword(dn, password) {
      return pool.run((c, ctx) => c.checkPassword(ctx, dn, password), read);
    },
    rootDse(attributes = ['*', '+']) {
      const attrs = [...attributes];
      const options: SearchOptions = { scope: 'base', filter: '(objectClass=*)', attributes: attrs };
      const entry = ({ searchEntries }: SearchResult): LdapEntry =>
        withoutSpecialNames(searchEntries as LdapEntry[], attrs)[0] ?? { dn: '' };
      return pool.run((c, ctx) => c.run(ctx, 'search', (client) => client.search('', options), entry), read);
    },
    whoami() {
      return pool.run(
        (c, ctx) =>
          c.run(
            ctx,
            'whoami',
            (client) => client.exop(WHOAMI_OID),
            (answer) => answer.value ?? '',
          ),
        read,
      );
    },
    withOptions(options) {
      return createLdapClient(pool, { ...callOptions, ...options });
    },
  };
}

/** The health check's round trip: a base-scope read of the root DSE. */
export function pingLdap(connection: LdapConnection, ctx: Parameters<LdapConnection['run']>[0]): Promise<unknown> {
  return connection.run(ctx, 'search', (client) =>
    client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: [...ROOT_DSE_ATTRIBUTES] }),
  );
}
