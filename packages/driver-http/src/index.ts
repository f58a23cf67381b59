/**
 * `@outpools/driver-http`: HTTP(S) pools for outpools, on undici.
 * @module
 */
export { httpDriver, createHttpDriver } from './driver.js';
export type { HttpDriverOptions } from './driver.js';
export { HttpConnectionSchema, HOST_PATTERN, HOST_EXPECTED } from './schema.js';
export type { HttpConnectionOptions } from './schema.js';
export { createHttpClient, IDEMPOTENT_METHODS } from './client.js';
export type { HttpClient, HttpRequestOptions, HttpHealth, HealthTarget } from './client.js';
export { HttpConnection } from './connection.js';
export type { Cancellation } from './call.js';
export type { HttpRequestHeaders, WireRequest, ConnectionSettings } from './connection.js';
export type { HttpResponse, HttpHeaders, BodyAs } from './response.js';
export { HttpRequestError, HttpTimeoutError, HttpErrorCodes } from './errors.js';
export { parseOrigin, joinUrlPath } from './origin.js';
export type { HttpOrigin } from './origin.js';
