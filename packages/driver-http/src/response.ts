/**
 * The response of one request: status, headers and the whole body.
 * @module
 */

/** Response headers: lower-case names; a repeated header (`set-cookie`) is an array. */
export type HttpHeaders = Record<string, string | string[]>;

/** One HTTP response, read completely. */
export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: HttpHeaders;
  /**
   * The whole body: a `string` (UTF-8) when the `content-type` is textual (`text/*`, JSON, XML,
   * JavaScript, form data), a `Buffer` otherwise (or when the request asked for `as: "buffer"`).
   * Empty for `HEAD`.
   */
  readonly body: Buffer | string;
  /** Parse the body as JSON; throws a `SyntaxError` when it is not JSON. */
  json<T = unknown>(): T;
}

/** How the body of a response is returned. */
export type BodyAs = 'auto' | 'text' | 'buffer';

const TEXTUAL = /^(?:text\/|application\/(?:[\w.+-]*\+)?(?:json|xml|javascript|x-www-form-urlencoded)\b)/iu;

/** Is this `content-type` textual (decoded to a string in `auto` mode)? */
export function isTextual(contentType: string | string[] | undefined): boolean {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  return value !== undefined && TEXTUAL.test(value.trimStart());
}

/** Turn undici's raw header list (`[name, value, name, value, ...]`) into {@link HttpHeaders}. */
export function parseRawHeaders(raw: readonly (Buffer | string)[]): HttpHeaders {
  const headers: HttpHeaders = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1').toLowerCase();
    const value = raw[i + 1]!.toString('latin1');
    const seen = headers[name];
    if (seen === undefined) headers[name] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else headers[name] = [seen, value];
  }
  return headers;
}

class Response implements HttpResponse {
  constructor(
    readonly statusCode: number,
    readonly headers: HttpHeaders,
    readonly body: Buffer | string,
  ) {}

  json<T = unknown>(): T {
    return JSON.parse(typeof this.body === 'string' ? this.body : this.body.toString('utf8')) as T;
  }
}

const EMPTY = Buffer.alloc(0);

/** Build a {@link HttpResponse}. */
export function makeResponse(statusCode: number, headers: HttpHeaders, chunks: readonly Buffer[], as: BodyAs): HttpResponse {
  const buffer = chunks.length === 1 ? chunks[0]! : chunks.length === 0 ? EMPTY : Buffer.concat(chunks);
  const text = as === 'text' || (as === 'auto' && isTextual(headers['content-type']));
  return new Response(statusCode, headers, text ? buffer.toString('utf8') : buffer);
}
