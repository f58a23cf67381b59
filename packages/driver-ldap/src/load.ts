/**
 * Lazy loading of `ldapts`: the driver entry never imports it at module load, so validating a
 * configuration (`outpools check`) does not load the client library. It is imported once, on the
 * first connect.
 * @module
 */
import { LdapLibraryMissingError } from './errors.js';

/** The `ldapts` module. */
export type LdaptsModule = typeof import('ldapts');

let pending: Promise<LdaptsModule> | undefined;

/** `ldapts`, loaded once (a failed load is retried on the next call). */
export function loadLdapts(): Promise<LdaptsModule> {
  pending ??= import('ldapts').then(
    (mod: unknown) => {
      // ESM gives the namespace; a CJS build's `import()` may wrap it in `default`.
      const inner = (mod as { default?: LdaptsModule }).default;
      return inner?.Client === undefined ? (mod as LdaptsModule) : inner;
    },
    (error: unknown) => {
      pending = undefined;
      throw new LdapLibraryMissingError({ cause: error });
    },
  );
  return pending;
}
