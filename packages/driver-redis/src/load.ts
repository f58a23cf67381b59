/**
 * Lazy loading of ioredis: the package's entry gives the schema, defaults and checks without
 * importing it (`outpools check` never loads it); the first connect imports it, once.
 * @module
 */
import type { AbstractConnector, Redis } from 'ioredis';

/** What the driver uses of the `ioredis` module. */
export interface IoredisModule {
  readonly Redis: typeof Redis;
  readonly AbstractConnector: typeof AbstractConnector;
}

let ioredis: Promise<IoredisModule> | undefined;

/** `ioredis`, imported on first use (a failed import is tried again on the next connect). */
export function loadIoredis(): Promise<IoredisModule> {
  ioredis ??= import('ioredis').then(
    (mod): IoredisModule => ({ Redis: mod.Redis, AbstractConnector: mod.AbstractConnector }),
    (error: unknown) => {
      ioredis = undefined;
      throw error;
    },
  );
  return ioredis;
}
