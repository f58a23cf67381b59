/**
 * Cross-field rules of a `connection.tls` section (certfile without keyfile, unreadable files,
 * versions with a gap, ...). STUB written by the config area so validation can call it; the TLS
 * area owns this file and replaces the body.
 * @module
 */
import type { ConfigIssue } from '../errors.js';

/**
 * The errors and warnings of one TLS section (after schema defaults). `path` is the section's
 * full dotted path, e.g. `outgoing_pools.http.api.connection.tls`.
 */
export function tlsIssues(
  tls: Record<string, unknown>,
  path: string,
): { errors: ConfigIssue[]; warnings: ConfigIssue[] } {
  void tls;
  void path;
  return { errors: [], warnings: [] };
}
