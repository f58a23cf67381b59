/**
 * The pool types published as `@outpools/driver-<type>`: what the CLI looks for when a file
 * names a type, and what `outpools schema` describes.
 * @module
 */
export const PUBLISHED_TYPES = ['rdbms', 'redis', 'cassandra', 'elastic', 'rabbit', 'ldap', 'http'] as const;
