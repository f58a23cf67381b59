/**
 * `@outpools/driver-http`: HTTP(S) pools for outpools, on undici (loaded on the first connect).
 * @module
 */
export { httpDriver, createHttpDriver } from './driver.js';
export type { HttpDriverOptions } from './driver.js';
export { HttpConnectionSchema } from './schema.js';
export type { HttpConnectionOptions } from './schema.js';
export type { HttpClient, HttpRequestOptions, HttpHealth } from './client.js';
export type { HttpRequestHeaders } from './connection.js';
export type { HttpResponse, HttpHeaders, BodyAs } from './response.js';
export { HttpRequestError, HttpTimeoutError, HttpErrorCodes } from './errors.js';
