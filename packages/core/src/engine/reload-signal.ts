/**
 * Reloading a configuration file on a process signal (docs/lifecycle.md, Reloading): one
 * listener, coalesced signals, every failure reported as a `reload_failed` event and never thrown.
 * @module
 */
import { ConfigError, messageOf, OutpoolsError } from '../errors.js';
import type { PoolEvents } from './events.js';

/** The handle {@link Pools.reloadOnSignal} returns: `close()` (or `using`) removes the listener. */
export interface SignalReloader extends Disposable {
  /** Stop listening (a reload in progress still completes). Idempotent. */
  close(): void;
  /** Settles (never rejects) when no reload started by a signal is running or pending. */
  idle(): Promise<void>;
}

/** Report a failed reload as a `reload_failed` event. @internal */
export function publishReloadFailure(events: PoolEvents, error: unknown, source: string | undefined): void {
  events.publish('reload_failed', {
    ...(source !== undefined && { source }),
    error: messageOf(error),
    ...(error instanceof OutpoolsError && { code: error.code }),
    issues: error instanceof ConfigError ? error.issues : [],
  });
}

/**
 * Call `reload` on each `signal`; signals that arrive during a reload cause exactly one more
 * (the file is read again then). `reload` reports its own outcome; a rejection is swallowed here.
 * @internal
 */
export function onSignal(signal: NodeJS.Signals, reload: () => Promise<unknown>): SignalReloader {
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  const loop = async (): Promise<void> => {
    do {
      again = false;
      await reload().catch(() => undefined);
    } while (again && !closed);
    running = undefined;
  };
  const listener = (): void => {
    if (running !== undefined) again = true;
    else running = loop();
  };
  process.on(signal, listener);
  const close = (): void => {
    if (closed) return;
    closed = true;
    process.off(signal, listener);
  };
  return {
    close,
    [Symbol.dispose]: close,
    idle: () => running ?? Promise.resolve(),
  };
}
