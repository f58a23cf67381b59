/**
 * Cross-field rules of a `connection.tls` section (docs/configuration.md, TLS), run after the schema has accepted it:
 * certfile needs a keyfile, every file key (and every `crl_files` entry) names a readable file,
 * `versions` has no gap (Node has only a minimum and a maximum), and settings that have no effect
 * (a keyfile without certfile, a CA file with `verify_mode = "none"`...) are warnings.
 * Messages never contain the `password` value.
 * @module
 */
import { accessSync, constants, statSync } from 'node:fs';
import type { ConfigIssue } from '../errors.js';
import { TLS_VERSIONS, type TlsVersionName } from './schema.js';

/** The file keys of a TLS section, checked to exist and be readable. */
export const TLS_FILE_KEYS = ['cacertfile', 'certfile', 'keyfile'] as const;

/** The result of {@link tlsIssues}. */
export interface TlsIssues {
  readonly errors: ConfigIssue[];
  readonly warnings: ConfigIssue[];
}

/**
 * Why `file` cannot be used as a PEM file, or `undefined` when it is a readable regular file.
 * Relative paths are resolved against the process's working directory, like Node's `fs`.
 */
export function fileProblem(file: string): string | undefined {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return `file "${file}" not found`;
    if (code === 'EACCES') return `file "${file}" is not readable (permission denied)`;
    return `file "${file}" cannot be read (${code ?? 'unknown error'})`;
  }
  if (!isFile) return `"${file}" is not a file`;
  try {
    accessSync(file, constants.R_OK);
  } catch {
    return `file "${file}" is not readable (permission denied)`;
  }
  return undefined;
}

/**
 * The index range of `versions` in {@link TLS_VERSIONS} order, or `undefined` when the list
 * has a gap (`["tlsv1.1", "tlsv1.3"]`) and so cannot be written as Node's min/max versions.
 */
export function versionRange(versions: readonly TlsVersionName[]): { min: number; max: number } | undefined {
  const indexes = [...new Set(versions.map((v) => TLS_VERSIONS.indexOf(v)))].sort((a, b) => a - b);
  const min = indexes[0];
  const max = indexes[indexes.length - 1];
  if (min === undefined || max === undefined || min < 0) return undefined;
  return max - min + 1 === indexes.length ? { min, max } : undefined;
}

function isVersionList(value: unknown): value is TlsVersionName[] {
  return Array.isArray(value) && value.every((v) => (TLS_VERSIONS as readonly unknown[]).includes(v));
}

/**
 * The errors and warnings of one TLS section (after schema defaults and schema validation).
 * `path` is the section's full dotted path, e.g. `outgoing_pools.http.api.connection.tls`.
 *
 * @example
 * ```ts
 * const { errors, warnings } = tlsIssues({ verify_mode: 'peer', certfile: 'client.pem' }, 'outgoing_pools.redis.default.connection.tls');
 * // errors[0]: { path: 'outgoing_pools.redis.default.connection.tls.keyfile', message: 'keyfile is required when certfile is set' }
 * ```
 */
export function tlsIssues(tls: Record<string, unknown>, path: string): TlsIssues {
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const at = (key: string): string => `${path}.${key}`;

  if (tls['certfile'] !== undefined && tls['keyfile'] === undefined) {
    errors.push({ path: at('keyfile'), message: 'keyfile is required when certfile is set' });
  }
  if (tls['keyfile'] !== undefined && tls['certfile'] === undefined) {
    warnings.push({
      path: at('keyfile'),
      message: 'is not used without a certfile (no client certificate is sent); set certfile or remove keyfile',
    });
  }
  for (const key of TLS_FILE_KEYS) {
    const file = tls[key];
    if (typeof file !== 'string') continue;
    const problem = fileProblem(file);
    if (problem !== undefined) errors.push({ path: at(key), message: problem });
  }
  const crls = tls['crl_files'];
  if (Array.isArray(crls)) {
    crls.forEach((file: unknown, index) => {
      if (typeof file !== 'string') return;
      const problem = fileProblem(file);
      if (problem !== undefined) errors.push({ path: `${at('crl_files')}[${index}]`, message: problem });
    });
    if (crls.length > 0 && tls['verify_mode'] === 'none') {
      warnings.push({ path: at('crl_files'), message: 'has no effect with verify_mode = "none"' });
    }
  }
  if (tls['disconnect_on_failure'] === false && tls['verify_mode'] === 'none') {
    warnings.push({
      path: at('disconnect_on_failure'),
      message: 'has no effect with verify_mode = "none" (nothing is verified)',
    });
  }

  const versions = tls['versions'];
  if (isVersionList(versions) && versions.length > 0) {
    if (versionRange(versions) === undefined) {
      errors.push({
        path: at('versions'),
        message: `expected a contiguous range of versions (Node has only a minimum and a maximum TLS version), got ${JSON.stringify(versions)}`,
      });
    }
    const old = versions.filter((v) => v === 'tlsv1' || v === 'tlsv1.1');
    if (old.length > 0) {
      warnings.push({
        path: at('versions'),
        message: `${old.map((v) => `"${v}"`).join(' and ')} will not work with Node's default OpenSSL security level (it refuses TLS 1.0 and 1.1)`,
      });
    }
  }

  if (tls['verify_mode'] === 'none') {
    if (tls['cacertfile'] !== undefined) {
      warnings.push({ path: at('cacertfile'), message: 'has no effect with verify_mode = "none"' });
    }
    const sni = tls['server_name_indication'];
    if (typeof sni === 'object' && sni !== null && (sni as Record<string, unknown>)['host'] !== undefined) {
      warnings.push({
        path: at('server_name_indication.host'),
        message: 'is not checked against the certificate with verify_mode = "none" (it is still sent as SNI)',
      });
    }
  }
  return { errors, warnings };
}
