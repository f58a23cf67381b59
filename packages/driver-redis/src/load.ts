/**
 * Lazy loading of ioredis: the package's entry gives the schema, defaults and checks without
 * importing it (`outpools check` never loads it); the first connect imports it, once.
 * @module
 */

/** The `ioredis` module. */
export type IoredisModule = typeof import('ioredis');

let ioredis: Promise<IoredisModule> | undefined;

/** `ioredis`, imported on first use (a failed import is tried again on the next connect). */
export function loadIoredis(): Promise<IoredisModule> {
  ioredis ??= import('ioredis').catch((error: unknown) => {
    ioredis = undefined;
    throw error;
  });
  return ioredis;
}
