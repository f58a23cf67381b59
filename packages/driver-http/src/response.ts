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

/** Raw header list as undici hands it over: `[name, value, name, value, ...]`. */
type RawHeaders = readonly (Buffer | string)[];

/** Headers are parsed on first access only: most callers read the status and the body. */
class Response implements HttpResponse {
  #raw: RawHeaders | undefined;
  #headers: HttpHeaders | undefined = undefined;

  constructor(
    readonly statusCode: number,
    raw: RawHeaders,
    readonly body: Buffer | string,
  ) {
    this.#raw = raw;
  }

  get headers(): HttpHeaders {
    if (this.#headers === undefined) {
      this.#headers = parseRawHeaders(this.#raw ?? []);
      this.#raw = undefined;
    }
    return this.#headers;
  }

  json<T = unknown>(): T {
    return JSON.parse(typeof this.body === 'string' ? this.body : this.body.toString('utf8')) as T;
  }
}

const EMPTY = Buffer.alloc(0);
const CONTENT_TYPE = 'content-type';

/** The first `content-type` value of a raw header list, without parsing the others. */
export function rawContentType(raw: RawHeaders): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === CONTENT_TYPE.length && name.toString('latin1').toLowerCase() === CONTENT_TYPE) {
      return raw[i + 1]!.toString('latin1');
    }
  }
  return undefined;
}

/** Build a {@link HttpResponse} from undici's raw parts. */
export function makeResponse(statusCode: number, raw: RawHeaders, chunks: readonly Buffer[], as: BodyAs): HttpResponse {
  const buffer = chunks.length === 1 ? chunks[0]! : chunks.length === 0 ? EMPTY : Buffer.concat(chunks);
  const text = as === 'text' || (as === 'auto' && isTextual(rawContentType(raw)));
  return new Response(statusCode, raw, text ? buffer.toString('utf8') : buffer);
}
