/**
 * The public shapes of the ldap client's requests and results (plain objects: no `ldapts` class
 * is needed to call the client).
 * @module
 */

/** How far below the base a search looks (RFC 4511 4.5.1.2; `children`/`subordinates`: below only). */
export type LdapScope = 'base' | 'one' | 'sub' | 'children' | 'subordinates';

/** Options of {@link LdapClient.search}. */
export interface LdapSearchOptions {
  /** Default `"sub"`. */
  readonly scope?: LdapScope;
  /** An RFC 4515 filter string; default `"(objectClass=*)"`. Build values with `escapeFilterValue`. */
  readonly filter?: string;
  /** The attributes to return (`"*"` all user attributes, `"+"` operational, `"1.1"` none); default all user attributes. */
  readonly attributes?: readonly string[];
  /**
   * Paged results (RFC 2696): `true` (pages of 100) or `{ pageSize }`. Every page is fetched on the
   * same connection within the one call, so the result has every entry, beyond a server's size
   * limit for unpaged searches. The whole search is bounded by `call_timeout`.
   */
  readonly paged?: boolean | { readonly pageSize?: number };
  /** At most this many entries (0: no client limit; the server's limit still applies). */
  readonly sizeLimit?: number;
  /** At most this many seconds of server time (0: no client limit). */
  readonly timeLimit?: number;
  /** Alias dereferencing; default `"never"`. */
  readonly derefAliases?: 'never' | 'always' | 'search' | 'find';
  /** `false`: attribute names only. Default `true`. */
  readonly returnAttributeValues?: boolean;
  /** Attributes to return as `Buffer`s (binary values such as `jpegPhoto`, `objectGUID`). */
  readonly explicitBufferAttributes?: readonly string[];
}

/** One entry of a search result: its DN and its attributes (one value: a string; several: an array). */
export interface LdapEntry {
  readonly dn: string;
  readonly [attribute: string]: string | string[] | Buffer | Buffer[];
}

/** What {@link LdapClient.search} resolves to. */
export interface LdapSearchResult {
  readonly entries: LdapEntry[];
  /** Continuation references (LDAP URLs) the server returned, not followed. */
  readonly references: string[];
}

/** One change of {@link LdapClient.modify}: add values, delete values (all without `values`), or replace them. */
export interface LdapChange {
  readonly operation: 'add' | 'delete' | 'replace';
  readonly attribute: string;
  readonly values?: readonly (string | Buffer)[];
}

/** The attributes of a new entry for {@link LdapClient.add}. */
export type LdapAttributes = Readonly<Record<string, string | readonly string[]>>;

/** Per-call routing and cancellation. */
export interface LdapCallOptions {
  /** Route by key (hash_worker): the same key always goes to the same worker. */
  readonly hashKey?: string | number;
  /** The caller's own cancellation; the call rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}
