/**
 * The TLS options of `connection.tls` (docs/configuration.md, TLS) to `node:tls` connection options: a fold of tiny
 * mappers, one per concern, each adding its keys to the options object.
 * @module
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions, PeerCertificate } from 'node:tls';
import type { TlsConfig, TlsVersionName } from './schema.js';
import { versionRange } from './rules.js';
import { TlsConfigError } from '../errors.js';

/** Where a TLS connection goes; only the host matters for the mapping (SNI, host name check). */
export interface TlsTarget {
  /** Host name or IP address the client connects to. */
  readonly host: string;
}

/** Node's names of the TLS protocol versions, indexed like `TLS_VERSIONS`. */
export const NODE_TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;

/** Node's name of one TLS version as written in TOML (`"tlsv1.2"` -> `"TLSv1.2"`). */
export type NodeTlsVersion = (typeof NODE_TLS_VERSIONS)[number];

type Mapper = (tls: TlsConfig, target: TlsTarget) => ConnectionOptions;

function readPem(key: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new TlsConfigError(`connection.tls.${key}: cannot read "${file}" (${code})`, { cause: error });
  }
}

/** The name the server certificate is checked against, or `undefined` when no check is made. */
export function tlsCheckedName(tls: TlsConfig, target: TlsTarget): string | undefined {
  const sni = tls.server_name_indication;
  if (sni?.enabled === false) return undefined;
  return sni?.host ?? target.host;
}

// `disconnect_on_failure = false`: Node lets every peer through and verifyTlsPeer reports.
const verifyMode: Mapper = (tls) => ({
  rejectUnauthorized: tls.verify_mode === 'peer' && tls.disconnect_on_failure !== false,
});

// A keyfile without certfile is not used (a config warning): no client certificate is sent.
const files: Mapper = (tls) => ({
  ...(tls.cacertfile !== undefined && { ca: readPem('cacertfile', tls.cacertfile) }),
  ...(tls.certfile !== undefined && { cert: readPem('certfile', tls.certfile) }),
  ...(tls.certfile !== undefined && tls.keyfile !== undefined && { key: readPem('keyfile', tls.keyfile) }),
});

// OpenSSL then checks every certificate of the chain below the trust anchor against its issuer's CRL.
const crls: Mapper = (tls) => {
  const list = tls.crl_files ?? [];
  if (list.length === 0 || tls.verify_mode === 'none') return {};
  return { crl: list.map((file, index) => readPem(`crl_files[${index}]`, file)) };
};

const password: Mapper = (tls) => (tls.password !== undefined ? { passphrase: tls.password } : {});

const ciphers: Mapper = (tls) => (tls.ciphers !== undefined ? { ciphers: tls.ciphers } : {});

const versions: Mapper = (tls) => {
  if (tls.versions === undefined) return {};
  const range = versionRange(tls.versions as readonly TlsVersionName[]);
  if (range === undefined) {
    throw new TlsConfigError(
      `connection.tls.versions: ${JSON.stringify(tls.versions)} has a gap; Node supports only a min and max version`,
    );
  }
  return { minVersion: NODE_TLS_VERSIONS[range.min], maxVersion: NODE_TLS_VERSIONS[range.max] };
};

const IPV4_PART = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]\\d|\\d)';
const IPV4 = new RegExp(`^${IPV4_PART}(\\.${IPV4_PART}){3}$`);

/**
 * `net.isIP(host) !== 0` without loading `node:net` (validation maps TLS sections too): a dotted
 * IPv4 address, or an IPv6 one, the only kind of host with a colon.
 */
const isIpAddress = (host: string): boolean => IPV4.test(host) || host.includes(':');

const sni: Mapper = (tls, target) => {
  // Loaded here, not at import: `outpools check` validates TLS sections without node:tls.
  const { checkServerIdentity } = process.getBuiltinModule('node:tls');
  const section = tls.server_name_indication;
  if (section?.enabled === false) {
    // No SNI; Node would fall back to `host` for the name check, so switch that off too.
    return { checkServerIdentity: () => undefined };
  }
  if (section?.host !== undefined) {
    const name = section.host;
    return {
      servername: name,
      checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(name, cert),
    };
  }
  // protocol "default" and "https" both use Node's RFC 6125 check against the target host.
  return process.getBuiltinModule('node:net').isIP(target.host) === 0
    ? { servername: target.host, checkServerIdentity }
    : { checkServerIdentity };
};

const MAPPERS: readonly Mapper[] = [verifyMode, files, crls, password, ciphers, versions, sni];

/**
 * Map a `connection.tls` section to `node:tls` options for connecting to `target.host`
 * (`host`/`port` themselves are not set: the caller passes its own). Reads `cacertfile`,
 * `certfile`, `keyfile` and `crl_files` synchronously; call it once per pool. For
 * `verify_mode = "selfsigned_peer"`, and with `disconnect_on_failure = false`, the options have
 * `rejectUnauthorized: false`: call {@link verifyTlsPeer} on the connected socket to finish the
 * verification.
 *
 * @example
 * ```ts
 * import { connect } from 'node:tls';
 * const options = toNodeTlsOptions({ verify_mode: 'peer', cacertfile: 'ca.pem' }, { host: 'db.local' });
 * const socket = connect({ ...options, host: 'db.local', port: 5433 });
 * ```
 */
export function toNodeTlsOptions(tls: TlsConfig, target: TlsTarget): ConnectionOptions {
  const options: ConnectionOptions = {};
  for (const mapper of MAPPERS) Object.assign(options, mapper(tls, target));
  return options;
}
