/**
 * The parts of `connection.host` the driver needs, and request path joining.
 * @module
 */

/** `connection.host` taken apart. */
export interface HttpOrigin {
  /** `http:` or `https:`. */
  readonly protocol: 'http:' | 'https:';
  /** The origin as undici wants it, e.g. `https://[::1]:8443`. */
  readonly origin: string;
  /** Host name or address to connect to, IPv6 without brackets. */
  readonly hostname: string;
  /** The port, 80 / 443 when absent. */
  readonly port: number;
  /** The host is an IP address (no SNI server name is sent for it). */
  readonly isIp: boolean;
}

const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * Take a validated `connection.host` (`http[s]://name[:port]`) apart.
 * @example
 * ```ts
 * parseOrigin('https://[::1]:8443'); // { protocol: 'https:', hostname: '::1', port: 8443, ... }
 * ```
 */
export function parseOrigin(host: string): HttpOrigin {
  const url = new URL(host);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`expected an http:// or https:// origin, got ${JSON.stringify(host)}`);
  }
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return {
    protocol: url.protocol,
    origin: url.origin,
    hostname,
    port,
    // WHATWG URL parsing brackets an IPv6 host and writes an IPv4 one as four decimal numbers.
    isIp: url.hostname.startsWith('[') || IPV4.test(url.hostname),
  };
}

const SLASH = 47;

/**
 * Join `path_prefix` and a request path with exactly one `/` between them; the result always
 * starts with `/`. A query string stays on the path.
 * @example
 * ```ts
 * joinUrlPath('/api/auth/', '/check'); // '/api/auth/check'
 * joinUrlPath('/api', 'check?x=1');    // '/api/check?x=1'
 * joinUrlPath('/', '');                // '/'
 * ```
 */
export function joinUrlPath(prefix: string, path: string): string {
  const head = prefix.charCodeAt(0) === SLASH ? prefix : `/${prefix}`;
  if (path === '') return head;
  // The common cases without a regular expression: "/api/" + "x" and "/api" + "/x".
  const headEnds = head.charCodeAt(head.length - 1) === SLASH;
  const pathStarts = path.charCodeAt(0) === SLASH;
  if (headEnds && !pathStarts && (head.length === 1 || head.charCodeAt(head.length - 2) !== SLASH)) return head + path;
  if (!headEnds && pathStarts && path.charCodeAt(1) !== SLASH) return head + path;
  return `${head.replace(/\/+$/u, '')}/${path.replace(/^\/+/u, '')}`;
}
