/**
 * Escaping of user-supplied values in filters and DNs, so that `(uid=${name})` cannot be turned
 * into another filter (LDAP injection).
 * @module
 */

/**
 * Escape a value for an RFC 4515 filter: `*`, `(`, `)`, `\` and NUL become `\2a`, `\28`, `\29`,
 * `\5c`, `\00`.
 * @example
 * ```ts
 * const found = await ldap.search('ou=people,dc=example,dc=com', { filter: `(uid=${escapeFilterValue(name)})` });
 * ```
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * Escape a value for one RDN of a DN (RFC 4514): `,`, `+`, `"`, `\`, `<`, `>`, `;`, `=`, a
 * leading `#` or space and a trailing space are backslash-escaped; NUL becomes `\00`.
 * @example
 * ```ts
 * const dn = `uid=${escapeDnValue(name)},ou=people,dc=example,dc=com`;
 * ```
 */
export function escapeDnValue(value: string): string {
  return value
    .replace(/[,+"\\<>;=]/g, (c) => `\\${c}`)
    .replace(/\0/g, '\\00')
    .replace(/^([#\s])/, '\\$1')
    .replace(/(\s)$/, '\\$1');
}
